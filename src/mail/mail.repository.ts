import { sql } from 'kysely';
import type { DB } from '../db/database.js';
import type { OutboxKind, OutboxRow, SubscriptionKind } from './mail.table.js';
import type { ComposedMail } from './mail-compose.js';

/** Every mail query. `db` may be a transaction (the event consumer's `tx`). */

export async function addSubscriptions(db: DB, email: string, questionId: number, kinds: SubscriptionKind[]) {
  await db
    .insertInto('mail_addresses')
    .values({ email })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  await db
    .insertInto('mail_subscriptions')
    .values(kinds.map((kind) => ({ email, question_id: questionId, kind })))
    .onConflict((oc) => oc.columns(['email', 'question_id', 'kind']).doNothing())
    .execute();
}

/** The address, locked until the transaction ends: two forms at once ask once. */
export function lockAddress(db: DB, email: string) {
  return db.selectFrom('mail_addresses').selectAll().where('email', '=', email).forUpdate().executeTakeFirst();
}

export async function markConfirmationSent(db: DB, email: string, at: Date) {
  await db.updateTable('mail_addresses').set({ confirmation_sent_at: at }).where('email', '=', email).execute();
}

/** True when the address has something to confirm (it asked, and has not bounced). */
export async function confirmAddress(db: DB, email: string): Promise<boolean> {
  const result = await db
    .updateTable('mail_addresses')
    .set({ confirmed_at: sql`coalesce(confirmed_at, now())` })
    .where('email', '=', email)
    .where('bounced_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export function findAddress(db: DB, email: string) {
  return db.selectFrom('mail_addresses').selectAll().where('email', '=', email).executeTakeFirst();
}

export function subscriptionsOf(db: DB, email: string) {
  return db
    .selectFrom('mail_subscriptions as s')
    .innerJoin('questions as q', 'q.id', 's.question_id')
    .select(['s.question_id', 's.kind', 'q.slug', 'q.wording'])
    .where('s.email', '=', email)
    .orderBy('q.id')
    .orderBy('s.kind')
    .execute();
}

/** Leaves one question, or everything (then a new request needs a new confirmation). */
export async function removeSubscriptions(db: DB, email: string, questionId?: number) {
  await db.transaction().execute(async (tx) => {
    let subscriptions = tx.deleteFrom('mail_subscriptions').where('email', '=', email);
    let items = tx.deleteFrom('mail_digest_items').where('email', '=', email);
    if (questionId !== undefined) {
      subscriptions = subscriptions.where('question_id', '=', questionId);
      items = items.where('question_id', '=', questionId);
    }
    await subscriptions.execute();
    await items.execute();
    if (questionId !== undefined) return;
    await tx.updateTable('mail_addresses').set({ confirmed_at: null }).where('email', '=', email).execute();
    await tx
      .updateTable('mail_outbox')
      .set({ status: 'cancelled', last_error: 'unsubscribed' })
      .where('to_email', '=', email)
      .where('status', '=', 'queued')
      .execute();
  });
}

/** Queues a message once: a second decision with the same key (a replayed event) adds nothing. */
export async function enqueue(db: DB, key: string, kind: OutboxKind, to: string, mail: ComposedMail) {
  await db
    .insertInto('mail_outbox')
    .values({
      idempotency_key: key,
      kind,
      to_email: to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: JSON.stringify(mail.headers),
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
}

/** A published comment with what a notification about it says. */
export function publishedComment(db: DB, id: number) {
  return db
    .selectFrom('comments as c')
    .innerJoin('questions as q', 'q.id', 'c.question_id')
    .select(['c.id', 'c.in_reply_to_id', 'c.author', 'c.email', 'c.body_html', 'c.question_id', 'q.wording'])
    .where('c.id', '=', id)
    .where('c.status', '=', 'approved')
    .executeTakeFirst();
}

export function commentEmail(db: DB, id: number) {
  return db.selectFrom('comments').select(['email']).where('id', '=', id).executeTakeFirst();
}

/** Subscriptions of addresses that confirmed and do not bounce: the ones mail goes to. */
const confirmedSubscriptions = (db: DB) =>
  db
    .selectFrom('mail_subscriptions as s')
    .innerJoin('mail_addresses as a', 'a.email', 's.email')
    .where('a.confirmed_at', 'is not', null)
    .where('a.bounced_at', 'is', null);

const confirmedSubscriber = (db: DB, questionId: number, kind: SubscriptionKind) =>
  confirmedSubscriptions(db).where('s.question_id', '=', questionId).where('s.kind', '=', kind);

/** Of these questions, those anyone confirmed follows (by replies or the whole question). */
export async function followedQuestions(db: DB, questionIds: readonly number[]): Promise<Set<number>> {
  if (questionIds.length === 0) return new Set();
  const rows = await confirmedSubscriptions(db)
    .select('s.question_id')
    .distinct()
    .where('s.question_id', 'in', [...new Set(questionIds)])
    .execute();
  return new Set(rows.map((row) => row.question_id));
}

export async function wantsReplies(db: DB, email: string, questionId: number): Promise<boolean> {
  const row = await confirmedSubscriber(db, questionId, 'replies')
    .select('s.email')
    .where('s.email', '=', email)
    .executeTakeFirst();
  return row !== undefined;
}

/** The answer waits in each follower's next digest (but its author's, or one mailed already). */
export async function addDigestItems(db: DB, questionId: number, commentId: number, except: string[]) {
  await db
    .insertInto('mail_digest_items')
    .columns(['email', 'question_id', 'comment_id'])
    .expression(
      confirmedSubscriber(db, questionId, 'question')
        .select([
          's.email',
          sql<number>`${questionId}::int`.as('question_id'),
          sql<number>`${commentId}::int`.as('comment_id'),
        ])
        .where('s.email', 'not in', except),
    )
    .onConflict((oc) => oc.columns(['email', 'comment_id']).doNothing())
    .execute();
}

/** Followers whose digest is due: something waits, and the last one is old enough. */
export async function dueDigests(db: DB, minutes: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('mail_addresses as a')
    .select('a.email')
    .where('a.confirmed_at', 'is not', null)
    .where('a.bounced_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('a.digest_sent_at', 'is', null),
        eb('a.digest_sent_at', '<=', sql<Date>`now() - make_interval(mins => ${minutes})`),
      ]),
    )
    .where((eb) =>
      eb.exists(eb.selectFrom('mail_digest_items as i').select('i.email').whereRef('i.email', '=', 'a.email')),
    )
    .limit(limit)
    .execute();
  return rows.map((row) => row.email);
}

/** Locks a due follower for one digest; undefined if another sender has it or it is not due. */
export function lockDueDigest(db: DB, email: string, minutes: number) {
  return db
    .selectFrom('mail_addresses')
    .select('email')
    .where('email', '=', email)
    .where('confirmed_at', 'is not', null)
    .where('bounced_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('digest_sent_at', 'is', null),
        eb('digest_sent_at', '<=', sql<Date>`now() - make_interval(mins => ${minutes})`),
      ]),
    )
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
}

/** What waits for a digest, oldest first: only answers still published. */
export function digestItems(db: DB, email: string) {
  return db
    .selectFrom('mail_digest_items as i')
    .innerJoin('comments as c', 'c.id', 'i.comment_id')
    .innerJoin('questions as q', 'q.id', 'i.question_id')
    .select(['c.id', 'c.author', 'c.body_html', 'q.id as question_id', 'q.wording', 'q.slug'])
    .where('i.email', '=', email)
    .where('c.status', '=', 'approved')
    .orderBy('q.id')
    .orderBy('c.id')
    .execute();
}

export async function clearDigest(db: DB, email: string) {
  await db.deleteFrom('mail_digest_items').where('email', '=', email).execute();
  await db.updateTable('mail_addresses').set({ digest_sent_at: sql`now()` }).where('email', '=', email).execute();
}

/** How many went out in the last minute, by every sender: the rate limit. */
export async function sentLastMinute(db: DB): Promise<number> {
  const row = await db
    .selectFrom('mail_outbox')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('sent_at', '>', sql<Date>`now() - interval '1 minute'`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Takes due messages for this sender for a while: another process skips them, and if
 * this one dies they are due again once the claim lapses.
 */
export async function claimDue(db: DB, limit: number, claimSeconds: number): Promise<OutboxRow[]> {
  if (limit <= 0) return [];
  return db
    .updateTable('mail_outbox')
    .set({ claimed_until: sql`now() + make_interval(secs => ${claimSeconds})` })
    .where(
      'id',
      'in',
      db
        .selectFrom('mail_outbox')
        .select('id')
        .where('status', '=', 'queued')
        .where('next_attempt_at', '<=', sql<Date>`now()`)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', sql<Date>`now()`)]))
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

export async function markSent(db: DB, id: number) {
  await db
    .updateTable('mail_outbox')
    .set({ status: 'sent', sent_at: sql`now()`, claimed_until: null, last_error: null })
    .where('id', '=', id)
    .execute();
}

export async function markCancelled(db: DB, id: number, reason: string) {
  await db
    .updateTable('mail_outbox')
    .set({ status: 'cancelled', claimed_until: null, last_error: reason })
    .where('id', '=', id)
    .execute();
}

export async function markAttemptFailed(db: DB, id: number, error: string, retryInSeconds: number | null) {
  await db
    .updateTable('mail_outbox')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_error: error.slice(0, 2_000),
      claimed_until: null,
      status: retryInSeconds === null ? 'failed' : 'queued',
      next_attempt_at: sql`now() + make_interval(secs => ${retryInSeconds ?? 0})`,
    }))
    .where('id', '=', id)
    .execute();
}

export async function markBounced(db: DB, email: string, reason: string) {
  await db
    .updateTable('mail_addresses')
    .set({ bounced_at: sql`now()`, bounce_reason: reason.slice(0, 2_000) })
    .where('email', '=', email)
    .execute();
}

/** The admins' view: what could not be sent, and addresses that bounced. */
export function failedMessages(db: DB, limit: number) {
  return db
    .selectFrom('mail_outbox')
    .select(['id', 'kind', 'to_email', 'subject', 'attempts', 'last_error', 'created_at'])
    .where('status', '=', 'failed')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export function bouncedAddresses(db: DB, limit: number) {
  return db
    .selectFrom('mail_addresses')
    .select(['email', 'bounced_at', 'bounce_reason'])
    .where('bounced_at', 'is not', null)
    .orderBy('bounced_at', 'desc')
    .limit(limit)
    .execute();
}

export async function outboxCounts(db: DB) {
  const rows = await db
    .selectFrom('mail_outbox')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)])) as Partial<Record<string, number>>;
}

/**
 * An admin's retry: due now, with a fresh count of attempts. Retrying a bounce says the
 * address is worth another try, so it is no longer marked bounced.
 */
export async function requeue(db: DB, id: number): Promise<boolean> {
  await db
    .updateTable('mail_addresses')
    .set({ bounced_at: null, bounce_reason: null })
    .where('email', '=', (eb) =>
      eb.selectFrom('mail_outbox').select('to_email').where('id', '=', id).where('status', '=', 'failed'),
    )
    .execute();
  const result = await db
    .updateTable('mail_outbox')
    .set({ status: 'queued', attempts: 0, next_attempt_at: sql`now()`, claimed_until: null })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
