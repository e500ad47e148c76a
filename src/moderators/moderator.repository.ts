import type { DB } from '../db/database.js';
import type { ModeratorRow, NewModeratorRow } from './moderator.table.js';

const COLUMNS = ['id', 'email', 'name', 'role', 'created_at', 'last_login_at'] as const;
export type ModeratorRecord = Pick<ModeratorRow, (typeof COLUMNS)[number]>;

export function findModeratorById(db: DB, id: number): Promise<ModeratorRecord | undefined> {
  return db.selectFrom('moderators').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** With the hash: for signing in only. */
export function findModeratorCredentials(db: DB, email: string): Promise<ModeratorRow | undefined> {
  return db.selectFrom('moderators').selectAll().where('email', '=', email).executeTakeFirst();
}

export function listModerators(db: DB): Promise<ModeratorRecord[]> {
  return db.selectFrom('moderators').select(COLUMNS).orderBy('email').execute();
}

export function insertModerator(db: DB, row: NewModeratorRow): Promise<ModeratorRecord | undefined> {
  return db
    .insertInto('moderators')
    .values(row)
    .onConflict((oc) => oc.column('email').doNothing())
    .returning(COLUMNS)
    .executeTakeFirst();
}

export async function deleteModerator(db: DB, email: string): Promise<boolean> {
  const result = await db.deleteFrom('moderators').where('email', '=', email).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function updatePasswordHash(db: DB, email: string, passwordHash: string): Promise<boolean> {
  const result = await db
    .updateTable('moderators')
    .set({ password_hash: passwordHash })
    .where('email', '=', email)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function recordLogin(db: DB, id: number, at: Date): Promise<void> {
  await db.updateTable('moderators').set({ last_login_at: at }).where('id', '=', id).execute();
}
