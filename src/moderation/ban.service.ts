import { appendLogEntry } from '../audit/audit-log.repository.js';
import type { DB } from '../db/database.js';
import { AppError, notFound } from '../http/app-error.js';
import { messages } from '../messages.js';
import type { Moderator } from '../moderators/moderator.js';
import { normalizeEmail } from '../moderators/moderator.js';
import {
  findActiveEmailBan,
  insertBan,
  liftBan,
  listActiveBans,
  listBansWithAttempts,
  recordBanAttempt,
} from './ban.repository.js';
import type { BanRow } from './ban.table.js';
import type { BanRequest } from './ban-form.js';
import { parseIp, parseRange, rangeContains } from './ip-range.js';

const BANS_SHOWN = 500;

/** Bans on an email address or an IP range, made from the queue, lifted by admins. */
export function createBanService(db: DB) {
  async function findBan(email: string, ip: string | null, now: Date): Promise<BanRow | undefined> {
    const byEmail = await findActiveEmailBan(db, normalizeEmail(email), now);
    if (byEmail) return byEmail;
    const address = ip ? parseIp(ip) : null;
    if (!address) return undefined;
    // Ranges cannot be looked up by equality; there are few bans, so check each in force.
    const ipBans = await listActiveBans(db, now, 'ip');
    return ipBans.find((ban) => {
      const range = parseRange(ban.value);
      return range !== null && rangeContains(range, address);
    });
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
    return db.transaction().execute(async (tx) => {
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
    return db.transaction().execute(async (tx) => {
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
