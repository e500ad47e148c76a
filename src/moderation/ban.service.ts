import type { Kysely } from 'kysely';
import { appendLogEntry } from '../audit/audit-log.repository.js';
import type { Database, DB } from '../db/database.js';
import type { EventLog } from '../events/event-log.js';
import { AppError, notFound } from '../http/app-error.js';
import { messages } from '../messages.js';
import type { Moderator } from '../moderators/moderator.js';
import { normalizeEmail } from '../moderators/moderator.js';
import { insertBan, liftBan, listActiveBans, listBansWithAttempts, recordBanAttempt } from './ban.repository.js';
import type { BanRow } from './ban.table.js';
import type { BanRequest } from './ban-form.js';
import { parseIp, parseRange, rangeContains } from './ip-range.js';

const BANS_SHOWN = 500;
/**
 * A safety net only: every process drops its copy of the bans in force when the event
 * log relays a change (`bans.changed`), this one before the moderator's form answers.
 */
const CACHE_MS = 60_000;

/** A ban in force, as every post is checked against it: its IP range parsed once. */
interface BanInForce {
  row: BanRow;
  expiresAt: number;
  range: ReturnType<typeof parseRange>;
}

/**
 * Bans on an email address or an IP range, made from the queue, lifted by admins.
 * Every post is checked against them, so each process keeps the bans in force (there
 * are few) and reads them again when the event log says they changed, here or on
 * another process.
 */
export function createBanService(db: DB, log: Pick<EventLog, 'transaction' | 'subscribe'>) {
  let cached: { bans: Promise<BanInForce[]>; until: number } | undefined;
  log.subscribe('bans', (events) => {
    if (events.some((event) => event.type === 'bans.changed')) cached = undefined;
  });

  function bansInForce(now: number): Promise<BanInForce[]> {
    if (cached && cached.until > now) return cached.bans;
    const bans = listActiveBans(db, new Date(now)).then((rows) =>
      rows.map((row) => ({
        row,
        expiresAt: row.expires_at === null ? Number.POSITIVE_INFINITY : new Date(row.expires_at).getTime(),
        range: row.kind === 'ip' ? parseRange(row.value) : null,
      })),
    );
    const entry = { bans, until: now + CACHE_MS };
    cached = entry;
    // A failed read is not kept: the next post asks the database again.
    bans.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return bans;
  }

  async function findBan(email: string, ip: string | null, now: Date): Promise<BanRow | undefined> {
    const inForce = (await bansInForce(now.getTime())).filter((ban) => ban.expiresAt > now.getTime());
    const normalized = normalizeEmail(email);
    const byEmail = inForce.find((ban) => ban.row.kind === 'email' && ban.row.value === normalized);
    if (byEmail) return byEmail.row;
    const address = ip ? parseIp(ip) : null;
    if (!address) return undefined;
    return inForce.find((ban) => ban.range !== null && rangeContains(ban.range, address))?.row;
  }

  /** A banned poster is refused with a plain message, and the attempt is recorded. */
  async function refuseIfBanned(poster: { email: string; ip: string | null; questionId: number }, now = new Date()) {
    const ban = await findBan(poster.email, poster.ip, now);
    if (!ban) return;
    await recordBanAttempt(db, {
      banId: ban.id,
      email: poster.email,
      ip: poster.ip,
      questionId: poster.questionId,
      now,
    });
    throw new AppError(403, 'banned', messages.banned, { form: messages.banned });
  }

  async function ban(request: BanRequest, moderator: Moderator, now = new Date()): Promise<BanRow> {
    return changeBans(async (tx) => {
      const row = await insertBan(tx, { ...request, moderator, now });
      await appendLogEntry(tx, {
        moderator,
        action: 'ban',
        details: {
          ban: row.id,
          [request.kind]: request.value,
          reason: request.reason,
          expires: request.expiresAt?.toISOString() ?? 'never',
        },
        at: now,
      });
      return row;
    });
  }

  async function lift(id: number, moderator: Moderator, now = new Date()): Promise<BanRow> {
    return changeBans(async (tx) => {
      const row = await liftBan(tx, id, moderator.name, now);
      if (!row) throw notFound(messages.banNotFound);
      await appendLogEntry(tx, {
        moderator,
        action: 'lift-ban',
        details: { ban: row.id, [row.kind]: row.value },
        at: now,
      });
      return row;
    });
  }

  /** A change to the bans, with its event; this process forgets its copy at once. */
  async function changeBans<T>(change: (tx: Kysely<Database>) => Promise<T>) {
    try {
      return await log.transaction(async (tx, record) => {
        const result = await change(tx);
        await record({ type: 'bans.changed' });
        return result;
      });
    } finally {
      cached = undefined;
    }
  }

  /** The newest bans, each with whether it is in force now and the attempts it stopped. */
  async function list(now = new Date()) {
    return (await listBansWithAttempts(db, BANS_SHOWN)).map((row) => {
      const liftedAt = row.lifted_at === null ? null : new Date(row.lifted_at);
      const expiresAt = row.expires_at === null ? null : new Date(row.expires_at);
      return {
        id: row.id,
        kind: row.kind,
        value: row.value,
        reason: row.reason,
        createdBy: row.created_by_name,
        createdAt: new Date(row.created_at),
        lifted: liftedAt && { at: liftedAt, by: row.lifted_by_name },
        expiresAt,
        attempts: row.attempts ?? 0,
        active: liftedAt === null && (expiresAt === null || expiresAt > now),
      };
    });
  }

  return { refuseIfBanned, ban, lift, list, findBan };
}

export type BanService = ReturnType<typeof createBanService>;
