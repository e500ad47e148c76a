import { sql } from 'kysely';
import type { DB } from '../db/database.js';

/** Failures counted for these keys since the window opened. */
export async function countRecentFailures(db: DB, keys: string[], windowStart: Date): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('login_attempts')
    .select(['key', 'failures'])
    .where('key', 'in', keys)
    .where('window_started_at', '>=', windowStart)
    .execute();
  return new Map(rows.map((row) => [row.key, row.failures]));
}

/** One more failure for each key; a window that has passed starts again at one. */
export async function recordFailure(db: DB, keys: string[], now: Date, windowStart: Date): Promise<void> {
  await db
    .insertInto('login_attempts')
    .values(keys.map((key) => ({ key, failures: 1, window_started_at: now })))
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql`case when login_attempts.window_started_at < ${windowStart} then 1 else login_attempts.failures + 1 end`,
        window_started_at: sql`case when login_attempts.window_started_at < ${windowStart} then ${now} else login_attempts.window_started_at end`,
      }),
    )
    .execute();
}

export async function clearFailures(db: DB, key: string): Promise<void> {
  await db.deleteFrom('login_attempts').where('key', '=', key).execute();
}

export async function purgeOldFailures(db: DB, windowStart: Date): Promise<void> {
  await db.deleteFrom('login_attempts').where('window_started_at', '<', windowStart).execute();
}
