import type { Kysely } from 'kysely';
import type { Database, DB } from '../db/database.js';

/** Records a solved token; false when it had been used before (a replay). */
export async function recordCaptchaUse(db: Kysely<Database>, nonce: string, expiresAt: Date): Promise<boolean> {
  const inserted = await db
    .insertInto('captcha_uses')
    .values({ nonce, expires_at: expiresAt })
    .onConflict((oc) => oc.column('nonce').doNothing())
    .returning('nonce')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** An expired token is refused by its signature, so its record can go. */
export async function purgeExpiredCaptchaUses(db: DB, now = new Date()): Promise<number> {
  const result = await db.deleteFrom('captcha_uses').where('expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
