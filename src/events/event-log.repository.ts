import { type Kysely, sql } from 'kysely';
import type { Database, DB } from '../db/database.js';
import type { ForumEvent, LoggedEvent } from './forum-event.js';

/** The channel every process LISTENs on; the payload is the new event's seq. */
export const EVENT_CHANNEL = 'forum_events';

/**
 * Writers take this transaction-level lock before they draw a seq, so seqs commit in
 * the order they are drawn: a reader that has seen seq N can never later find an
 * N - 1 that was still in flight. It is held from the event's insert to the commit only
 * (events are written last in their transaction), so writers queue for microseconds.
 * `forum_record_event` (a migration) takes the same number.
 */
const EVENT_ORDER_LOCK = 7_362_001;

/**
 * Writes an event inside the transaction that makes its change, in one round trip
 * (`forum_record_event` takes EVENT_ORDER_LOCK, inserts and notifies); returns it as
 * the log holds it.
 */
export async function insertEvent(tx: Kysely<Database>, event: ForumEvent): Promise<LoggedEvent> {
  const { type, ...payload } = event;
  const questionId = 'questionId' in event ? event.questionId : null;
  const { rows } = await sql<{ seq: number; created_at: Date }>`
    select seq, created_at from forum_record_event(${questionId}, ${type}, ${JSON.stringify(payload)}::jsonb)`.execute(
    tx,
  );
  const row = rows[0] as { seq: number; created_at: Date };
  return toLogged({ seq: row.seq, type, payload, created_at: row.created_at });
}

/**
 * Writes an event whose seq is drawn at commit (on a database server): the commit
 * takes EVENT_ORDER_LOCK, numbers and notifies it inside the server, so no writer
 * waits for another's round trips (the `event-seq-at-commit` migration). Its seq is
 * known once it has committed, by reading the log.
 */
export async function insertEventAtCommit(tx: Kysely<Database>, event: ForumEvent): Promise<void> {
  const { type, ...payload } = event;
  const questionId = 'questionId' in event ? event.questionId : null;
  await sql`select forum_record_event_at_commit(${questionId}, ${type}, ${JSON.stringify(payload)}::jsonb)`.execute(tx);
}

/**
 * Writes many events at once (bulk writers: imports, `npm run seed:fake`); seqs follow
 * the array's order. Any number: they are inserted a batch at a time (a statement takes
 * at most 65,535 parameters), under one lock, with one notification for the newest.
 */
export async function insertEvents(tx: Kysely<Database>, events: readonly ForumEvent[]): Promise<void> {
  if (events.length === 0) return;
  await sql`select pg_advisory_xact_lock(${EVENT_ORDER_LOCK})`.execute(tx);
  let newest = 0;
  for (let start = 0; start < events.length; start += EVENT_BATCH) {
    const rows = events.slice(start, start + EVENT_BATCH).map((event) => {
      const { type, ...payload } = event;
      return { question_id: 'questionId' in event ? event.questionId : null, type, payload: JSON.stringify(payload) };
    });
    const inserted = await tx
      .insertInto('forum_events')
      .values(rows)
      .returning(sql<number>`seq::float8`.as('seq'))
      .execute();
    for (const row of inserted) newest = Math.max(newest, Number(row.seq));
  }
  await sql`select pg_notify(${EVENT_CHANNEL}, ${String(newest)})`.execute(tx);
}

/** Events a statement of insertEvents writes: three parameters each. */
const EVENT_BATCH = 5_000;

function toLogged(row: { seq: number; type: string; payload: unknown; created_at: Date }): LoggedEvent {
  const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as object;
  return { ...payload, type: row.type, seq: Number(row.seq), at: new Date(row.created_at) } as LoggedEvent;
}

const loggedColumns = [sql<number>`seq::float8`.as('seq'), 'type', 'payload', 'created_at'] as const;

/** Events after a seq, oldest first. */
export async function readEventsAfter(db: DB, afterSeq: number, limit: number): Promise<LoggedEvent[]> {
  const rows = await db
    .selectFrom('forum_events')
    .select(loggedColumns)
    .where('seq', '>', String(afterSeq))
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toLogged);
}

/** One question's events after a seq, of the given types, oldest first. */
export async function readQuestionEventsAfter(
  db: DB,
  questionId: number,
  afterSeq: number,
  types: readonly string[],
  limit: number,
): Promise<LoggedEvent[]> {
  const rows = await db
    .selectFrom('forum_events')
    .select(loggedColumns)
    .where('question_id', '=', questionId)
    .where('seq', '>', String(afterSeq))
    .where('type', 'in', types)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toLogged);
}

/** The newest seq (0 when the log is empty). */
export async function latestSeq(db: DB): Promise<number> {
  const row = await db
    .selectFrom('forum_events')
    .select(sql<number | null>`max(seq)::float8`.as('seq'))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/** Up to where events may have been pruned. */
export async function prunedThrough(db: DB): Promise<number> {
  const row = await db
    .selectFrom('forum_event_horizon')
    .select(sql<number>`pruned_through::float8`.as('seq'))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/**
 * Deletes one batch of events older than `before`, and moves the horizon past them.
 * Small batches, and no lock writers take: pruning never holds up a post.
 */
export async function pruneBatch(db: DB, before: Date, batch: number): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const { rows } = await sql<{ seq: number }>`
      delete from forum_events where seq in (
        select seq from forum_events where created_at < ${before} order by seq limit ${batch}
      ) returning seq::float8 as seq`.execute(tx);
    if (rows.length === 0) return 0;
    const highest = Math.max(...rows.map((row) => Number(row.seq)));
    await tx
      .insertInto('forum_event_horizon')
      .values({ id: 1, pruned_through: highest })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({ pruned_through: sql`greatest(forum_event_horizon.pruned_through, ${highest})` }),
      )
      .execute();
    return rows.length;
  });
}

/** Makes a durable consumer's cursor if it has none: a new consumer starts from now. */
export async function ensureCursor(db: DB, consumer: string): Promise<void> {
  await sql`
    insert into forum_event_cursors (consumer, seq)
    select ${consumer}, coalesce(max(seq), 0) from forum_events
    on conflict (consumer) do nothing`.execute(db);
}

/** A durable consumer's cursor, locked for this transaction (another process skips it meanwhile). */
export async function claimCursor(tx: Kysely<Database>, consumer: string): Promise<number | undefined> {
  const row = await tx
    .selectFrom('forum_event_cursors')
    .select(sql<number>`seq::float8`.as('seq'))
    .where('consumer', '=', consumer)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.seq);
}

export async function moveCursor(tx: Kysely<Database>, consumer: string, seq: number): Promise<void> {
  await tx
    .updateTable('forum_event_cursors')
    .set({ seq, updated_at: new Date() })
    .where('consumer', '=', consumer)
    .execute();
}
