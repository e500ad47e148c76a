import supertest, { type Agent } from 'supertest';
import type { DB } from '../../src/db/database.js';
import { createModeratorAccounts } from '../../src/moderators/moderator.service.js';
import type { ModeratorRole } from '../../src/moderators/moderator.table.js';
import type { RunningForum } from '../../src/server.js';

/** What signing in needs: the database to make the account in, and a browser. */
export interface ModeratedForum {
  db: DB;
  browser(): Agent;
}

/** A listening forum (startLiveForum) seen as one to sign in to. */
export function listening(forum: RunningForum): ModeratedForum {
  return { db: forum.database.db, browser: () => supertest.agent(forum.url) };
}

export const MODERATOR_PASSWORD = 'a long and careful password';

let made = 0;

/** A new moderator account, made as `npm run moderator -- add` makes one. */
export async function addModerator(forum: { db: DB }, role: ModeratorRole = 'moderator', name?: string) {
  made += 1;
  const email = `${role}-${made}-${process.pid}@example.org`;
  const moderator = await createModeratorAccounts(forum.db).addModerator({
    email,
    name: name ?? `${role === 'admin' ? 'Admin' : 'Moderator'} ${made}`,
    role,
    password: MODERATOR_PASSWORD,
  });
  return { ...moderator, password: MODERATOR_PASSWORD };
}

export interface SignedIn {
  browser: Agent;
  csrf: string;
  /** The session cookie, for a client other than `browser` (a Socket.IO client). */
  cookie: string;
  moderator: Awaited<ReturnType<typeof addModerator>>;
}

/** A browser signed in through /login, with the CSRF token its /mod pages carry. */
export async function signIn(
  forum: ModeratedForum,
  role: ModeratorRole = 'moderator',
  name?: string,
): Promise<SignedIn> {
  const moderator = await addModerator(forum, role, name);
  const browser = forum.browser();
  const login = await browser
    .post('/login')
    .type('form')
    .send({ email: moderator.email, password: moderator.password });
  if (login.status !== 303) throw new Error(`Sign-in failed: ${login.status} ${login.text.slice(0, 300)}`);
  const page = await browser.get('/mod');
  return { browser, csrf: csrfFrom(page.text), cookie: sessionCookie(login)?.split(';')[0] ?? '', moderator };
}

export function csrfFrom(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('No CSRF token on the page');
  return token;
}

export function sessionCookie(response: { headers: Record<string, unknown> }): string | undefined {
  const cookies = (response.headers['set-cookie'] as string[] | undefined) ?? [];
  return cookies.find((cookie) => cookie.startsWith('oq_session='));
}
