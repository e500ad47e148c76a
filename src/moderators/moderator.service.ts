import { sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/database.js';
import { AppError } from '../http/app-error.js';
import { messages } from '../messages.js';
import { type Moderator, normalizeEmail, toModerator } from './moderator.js';
import {
  deleteModerator,
  findModeratorById,
  insertModerator,
  listModerators,
  updatePasswordHash,
} from './moderator.repository.js';
import type { ModeratorRole } from './moderator.table.js';
import { hashPassword, passwordProblem } from './password.js';

const newModerator = z.object({
  email: z.string().transform(normalizeEmail).pipe(z.email(messages.emailInvalid)),
  name: z.string().trim().min(1, messages.moderatorNameRequired).max(100, messages.authorTooLong),
  role: z.enum(['admin', 'moderator']),
});

function invalid(message: string): AppError {
  return new AppError(422, 'invalid', message);
}

/** Moderator accounts: made, listed, removed and re-keyed from the command line. */
export function createModeratorAccounts(db: DB) {
  async function addModerator(input: {
    email: string;
    name: string;
    role: ModeratorRole;
    password: string;
  }): Promise<Moderator> {
    const parsed = newModerator.safeParse(input);
    if (!parsed.success) throw invalid(parsed.error.issues[0]?.message ?? messages.malformedRequest);
    const weak = passwordProblem(input.password);
    if (weak) throw invalid(weak);
    const row = await insertModerator(db, { ...parsed.data, password_hash: await hashPassword(input.password) });
    if (!row) throw new AppError(409, 'moderator_exists', messages.moderatorExists(parsed.data.email));
    return toModerator(row);
  }

  async function list(): Promise<Moderator[]> {
    return (await listModerators(db)).map(toModerator);
  }

  async function removeModerator(email: string): Promise<void> {
    const found = await deleteModerator(db, normalizeEmail(email));
    if (!found) throw new AppError(404, 'no_moderator', messages.noSuchModerator(normalizeEmail(email)));
  }

  /** A new password also signs the account out everywhere: whoever knew the old one is out. */
  async function resetPassword(email: string, password: string): Promise<void> {
    const weak = passwordProblem(password);
    if (weak) throw invalid(weak);
    const normalized = normalizeEmail(email);
    const found = await updatePasswordHash(db, normalized, await hashPassword(password));
    if (!found) throw new AppError(404, 'no_moderator', messages.noSuchModerator(normalized));
    await db
      .deleteFrom('sessions')
      .where(sql<string>`data->>'moderatorId'`, 'in', (eb) =>
        eb.selectFrom('moderators').select(sql<string>`id::text`.as('id')).where('email', '=', normalized),
      )
      .execute();
  }

  async function findById(id: number): Promise<Moderator | undefined> {
    const row = await findModeratorById(db, id);
    return row ? toModerator(row) : undefined;
  }

  return { addModerator, list, removeModerator, resetPassword, findById };
}

export type ModeratorAccounts = ReturnType<typeof createModeratorAccounts>;
