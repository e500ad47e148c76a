import { type Kysely, sql } from 'kysely';
import type { Database, DB } from '../db/database.js';
import type { BanKind, BanRow } from './ban.table.js';

/** Bans in force now: not lifted, not expired. */
export function listActiveBans(db: DB, now: Date, kind?: BanKind): Promise<BanRow[]> {
  let query = db
    .selectFrom('bans')
    .selectAll()
    .where('lifted_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('id', 'desc');
  if (kind) query = query.where('kind', '=', kind);
  return query.execute();
}

/** Every ban, newest first, with how many attempts each has refused. */
export function listBansWithAttempts(db: DB, limit: number) {
  return db
    .selectFrom('bans as b')
    .selectAll('b')
    .select((eb) =>
      eb
        .selectFrom('ban_attempts as a')
        .whereRef('a.ban_id', '=', 'b.id')
        .select(sql<number>`count(*)::int`.as('n'))
        .as('attempts'),
    )
    .orderBy('b.id', 'desc')
    .limit(limit)
    .execute();
}

export function insertBan(
  tx: Kysely<Database>,
  ban: {
    kind: BanKind;
    value: string;
    reason: string;
    expiresAt: Date | null;
    moderator: { id: number; name: string };
    now: Date;
  },
): Promise<BanRow> {
  return tx
    .insertInto('bans')
    .values({
      kind: ban.kind,
      value: ban.value,
      reason: ban.reason,
      expires_at: ban.expiresAt,
      created_at: ban.now,
      created_by: ban.moderator.id,
      created_by_name: ban.moderator.name,
      lifted_at: null,
      lifted_by_name: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function liftBan(tx: Kysely<Database>, id: number, by: string, now: Date): Promise<BanRow | undefined> {
  return tx
    .updateTable('bans')
    .set({ lifted_at: now, lifted_by_name: by })
    .where('id', '=', id)
    .where('lifted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export async function recordBanAttempt(
  db: DB,
  attempt: { banId: number; email: string | null; ip: string | null; questionId: number | null; now: Date },
): Promise<void> {
  await db
    .insertInto('ban_attempts')
    .values({
      ban_id: attempt.banId,
      email: attempt.email,
      ip: attempt.ip,
      question_id: attempt.questionId,
      created_at: attempt.now,
    })
    .execute();
}
