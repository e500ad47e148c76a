import session from 'express-session';
import type { DB } from '../db/database.js';

type Callback<T = void> = (error?: unknown, value?: T) => void;

/**
 * express-session's store on our own `sessions` table, through Kysely, so that it
 * works on the embedded database as well as on a server (connect-pg-simple needs a
 * `pg` pool) and every process sees every session.
 */
export class KyselySessionStore extends session.Store {
  constructor(
    private readonly db: DB,
    /** Used when a session has no cookie expiry of its own. */
    private readonly idleMs: number,
  ) {
    super();
  }

  override get(sid: string, callback: Callback<session.SessionData | null>): void {
    this.db
      .selectFrom('sessions')
      .select('data')
      .where('sid', '=', sid)
      .where('expires_at', '>', new Date())
      .executeTakeFirst()
      .then((row) => callback(null, row ? (parseData(row.data) as session.SessionData) : null), callback);
  }

  override set(sid: string, data: session.SessionData, callback?: Callback): void {
    const row = { sid, data: JSON.stringify(data), expires_at: this.expiryOf(data) };
    this.db
      .insertInto('sessions')
      .values(row)
      .onConflict((oc) => oc.column('sid').doUpdateSet({ data: row.data, expires_at: row.expires_at }))
      .execute()
      .then(() => callback?.(), callback);
  }

  override destroy(sid: string, callback?: Callback): void {
    this.db
      .deleteFrom('sessions')
      .where('sid', '=', sid)
      .execute()
      .then(() => callback?.(), callback);
  }

  /** Each request pushes the idle deadline on (the cookie is `rolling`). */
  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    this.db
      .updateTable('sessions')
      .set({ expires_at: this.expiryOf(data) })
      .where('sid', '=', sid)
      .execute()
      .then(
        () => callback?.(),
        () => callback?.(),
      );
  }

  private expiryOf(data: session.SessionData): Date {
    const expires = data.cookie?.expires;
    return expires ? new Date(expires) : new Date(Date.now() + this.idleMs);
  }
}

/** pg returns jsonb parsed; be tolerant of a driver that hands back text. */
function parseData(data: unknown): unknown {
  return typeof data === 'string' ? JSON.parse(data) : data;
}

export async function purgeExpiredSessions(db: DB, now = new Date()): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<', now).execute();
}
