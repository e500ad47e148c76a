import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Logger } from 'pino';
import type { MailSettings } from '../config.js';
import type { DB } from '../db/database.js';
import type { EventLog } from '../events/event-log.js';
import { mailConsumer } from './mail.consumer.js';
import * as repo from './mail.repository.js';
import type { SubscriptionKind } from './mail.table.js';
import { createMailTransport, isBounce, isPermanent, type MailTransport } from './mail.transport.js';
import { confirmationMail, digestMail, type MailAnswer } from './mail-compose.js';
import { readMailToken, signMailToken } from './mail-token.js';

export interface MailDeps {
  db: DB;
  log: EventLog;
  logger: Logger;
  settings: MailSettings;
  publicUrl: string;
  secret: string;
  dataDir: string;
  /** Tests swap the transport (never the database). */
  transport?: MailTransport;
}

/** Confirmation mails to one address: at most one an hour, so the form cannot flood a stranger. */
const CONFIRMATION_INTERVAL_MS = 60 * 60 * 1000;
/** How long a sender holds a message it took; a sender that died frees it after this. */
const CLAIM_SECONDS = 120;
const DIGESTS_PER_TICK = 50;
const SITE_NAME = 'Open Questions';

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * Email: who asked for what (double opt-in), what to send (the log's durable consumer
 * writes it to the outbox) and the sender that works through the outbox with retries,
 * backoff and a rate limit. Routes call it; it never sees req/res.
 */
export function createMail(deps: MailDeps) {
  const { db, logger, settings, publicUrl, secret } = deps;
  const absolute = (p: string) => `${publicUrl}${p}`;
  const manageUrl = (email: string) => absolute(`/mail/unsubscribe?token=${signMailToken(secret, 'manage', email)}`);
  const links = { absolute, manageUrl };
  deps.log.subscribeDurable('mail', mailConsumer(links));

  const transport =
    deps.transport ??
    createMailTransport({
      smtpUrl: settings.smtpUrl,
      outboxDir: path.join(deps.dataDir, 'outbox'),
    });
  const host = new URL(publicUrl).hostname;

  /** The form asked for mail: subscribe, and ask for a confirmation unless there is one. */
  async function request(emailTyped: string, questionId: number, kinds: SubscriptionKind[]): Promise<void> {
    if (kinds.length === 0) return;
    const email = normaliseEmail(emailTyped);
    await db.transaction().execute(async (tx) => {
      await repo.addSubscriptions(tx, email, questionId, kinds);
      const address = await repo.lockAddress(tx, email);
      if (!address || address.confirmed_at || address.bounced_at) return;
      const now = new Date();
      const last = address.confirmation_sent_at;
      if (last && now.getTime() - new Date(last).getTime() < CONFIRMATION_INTERVAL_MS) return;
      const mail = confirmationMail({
        confirmUrl: absolute(`/mail/confirm?token=${signMailToken(secret, 'confirm', email)}`),
        siteName: SITE_NAME,
        links: { manageUrl: manageUrl(email) },
      });
      await repo.enqueue(tx, `confirm:${email}:${now.getTime()}`, 'confirm', email, mail);
      await repo.markConfirmationSent(tx, email, now);
    });
  }

  /** A confirmation link's POST: the address it was signed for, or undefined. */
  async function confirm(token: unknown): Promise<string | undefined> {
    const email = readMailToken(secret, 'confirm', token);
    if (email === undefined || !(await repo.confirmAddress(db, email))) return undefined;
    return email;
  }

  function addressOf(token: unknown, purpose: 'confirm' | 'manage' = 'manage') {
    return readMailToken(secret, purpose, token);
  }

  async function subscriptions(email: string) {
    const [address, rows] = await Promise.all([repo.findAddress(db, email), repo.subscriptionsOf(db, email)]);
    return { confirmed: Boolean(address?.confirmed_at), bounced: Boolean(address?.bounced_at), rows };
  }

  async function unsubscribe(email: string, questionId?: number) {
    await repo.removeSubscriptions(db, email, questionId);
  }

  async function composeDigests(): Promise<void> {
    const due = await repo.dueDigests(db, settings.digestMinutes, DIGESTS_PER_TICK);
    for (const email of due) {
      await db.transaction().execute(async (tx) => {
        if (!(await repo.lockDueDigest(tx, email, settings.digestMinutes))) return;
        const items = await repo.digestItems(tx, email);
        if (items.length > 0) {
          const questions = new Map<number, { wording: string; url: string; answers: MailAnswer[] }>();
          for (const item of items) {
            const q = questions.get(item.question_id) ?? {
              wording: item.wording,
              url: absolute(`/questions/${item.slug}`),
              answers: [],
            };
            q.answers.push({ author: item.author, bodyHtml: item.body_html, url: absolute(`/comments/${item.id}`) });
            questions.set(item.question_id, q);
          }
          const mail = digestMail({ questions: [...questions.values()], links: { manageUrl: manageUrl(email) } });
          const newest = Math.max(...items.map((item) => item.id));
          await repo.enqueue(tx, `digest:${email}:${newest}`, 'digest', email, mail);
        }
        await repo.clearDigest(tx, email);
      });
    }
  }

  /** Sends what is due, within the rate limit; returns how many were tried. */
  async function sendDue(): Promise<number> {
    const room = settings.perMinute - (await repo.sentLastMinute(db));
    const rows = await repo.claimDue(db, room, CLAIM_SECONDS);
    for (const row of rows) {
      const address = await repo.findAddress(db, row.to_email);
      if (address?.bounced_at) {
        await repo.markCancelled(db, row.id, 'the address bounced');
        continue;
      }
      // Only a confirmation may go to an address that has not confirmed (double opt-in).
      if (row.kind !== 'confirm' && !address?.confirmed_at) {
        await repo.markCancelled(db, row.id, 'the address is not confirmed');
        continue;
      }
      try {
        await transport.send({
          id: row.id,
          from: settings.from ?? `${SITE_NAME} <no-reply@${host}>`,
          to: row.to_email,
          subject: row.subject,
          text: row.text,
          html: row.html,
          headers: row.headers,
          // The same id on every attempt: a receiving server may drop a duplicate.
          messageId: `<${createHash('sha256').update(row.idempotency_key).digest('hex').slice(0, 32)}@${host}>`,
        });
        await repo.markSent(db, row.id);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (isBounce(error)) {
          await repo.markBounced(db, row.to_email, reason);
          await repo.markAttemptFailed(db, row.id, reason, null);
        } else if (isPermanent(error) || row.attempts + 1 >= settings.maxAttempts) {
          await repo.markAttemptFailed(db, row.id, reason, null);
        } else {
          // 1, 2, 4, 8... times the base, at most an hour apart.
          const wait = Math.min(settings.retryBaseSeconds * 2 ** row.attempts, 3600);
          await repo.markAttemptFailed(db, row.id, reason, wait);
        }
        logger.warn({ err: error, outboxId: row.id }, 'mail: sending failed');
      }
    }
    return rows.length;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  /** One round of the sender: digests that are due, then messages that are due. */
  function tick(): Promise<void> {
    running ??= (async () => {
      try {
        await composeDigests();
        await sendDue();
      } catch (error) {
        logger.warn({ err: error }, 'mail: sender round failed');
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      void tick().then(schedule);
    }, settings.pollMs);
    timer.unref();
  }

  return {
    request,
    confirm,
    addressOf,
    subscriptions,
    unsubscribe,
    manageUrl,
    tick,
    failed: () => repo.failedMessages(db, 200),
    bounced: () => repo.bouncedAddresses(db, 200),
    counts: () => repo.outboxCounts(db),
    retry: (id: number) => repo.requeue(db, id),
    /** Starts the sender (the forum does, with the server; tests when they want mail to go). */
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    /** Stops the sender after the round in progress. */
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      transport.close();
    },
  };
}

export type Mail = ReturnType<typeof createMail>;
