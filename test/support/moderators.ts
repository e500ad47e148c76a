import type { Agent } from 'supertest';
import { createModeratorAccounts } from '../../src/moderators/moderator.service.js';
import type { ModeratorRole } from '../../src/moderators/moderator.table.js';
import type { TestForum } from './forum.js';

export const MODERATOR_PASSWORD = 'a long and careful password';

let made = 0;

/** A new moderator account, made as `npm run moderator -- add` makes one. */
export async function addModerator(forum: TestForum, role: ModeratorRole = 'moderator', name?: string) {
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
  moderator: Awaited<ReturnType<typeof addModerator>>;
}

/** A browser signed in through /login, with the CSRF token its /mod pages carry. */
export async function signIn(forum: TestForum, role: ModeratorRole = 'moderator'): Promise<SignedIn> {
  const moderator = await addModerator(forum, role);
  const browser = forum.browser();
  const login = await browser
    .post('/login')
    .type('form')
    .send({ email: moderator.email, password: moderator.password });
  if (login.status !== 303) throw new Error(`Sign-in failed: ${login.status} ${login.text.slice(0, 300)}`);
  const page = await browser.get('/mod');
  return { browser, csrf: csrfFrom(page.text), moderator };
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
