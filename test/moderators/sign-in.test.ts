import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestForum, type TestForum } from '../support/forum.js';
import { addModerator, csrfFrom, sessionCookie, signIn } from '../support/moderators.js';

let forum: TestForum;
beforeAll(async () => {
  forum = await startTestForum({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_IP: '1000' });
});
afterAll(() => forum.close());

const sidOf = (cookie: string | undefined) => cookie?.split(';')[0]?.split('=')[1];

describe('signing in', () => {
  it('shows a form with email and password fields', async () => {
    const res = await forum.browser().get('/login').expect(200);
    expect(res.text).toContain('name="email"');
    expect(res.text).toContain('name="password" type="password"');
    expect(sessionCookie(res)).toBeUndefined();
  });

  it('signs a moderator in with an HttpOnly, SameSite=Lax session cookie and sends them to /mod', async () => {
    const moderator = await addModerator(forum);
    const browser = forum.browser();
    const res = await browser
      .post('/login')
      .type('form')
      .send({ email: moderator.email, password: moderator.password });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/mod');
    const cookie = sessionCookie(res) ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    await browser.get('/mod').expect(200);
    const row = await forum.db
      .selectFrom('moderators')
      .select('last_login_at')
      .where('id', '=', moderator.id)
      .executeTakeFirstOrThrow();
    expect(row.last_login_at).not.toBeNull();
  });

  it('accepts the email in any case', async () => {
    const moderator = await addModerator(forum);
    const res = await forum
      .browser()
      .post('/login')
      .type('form')
      .send({ email: moderator.email.toUpperCase(), password: moderator.password });
    expect(res.status).toBe(303);
  });

  it('marks the cookie Secure behind TLS', async () => {
    const tls = await startTestForum({ TRUST_PROXY: 'loopback' });
    try {
      const moderator = await addModerator(tls);
      const res = await tls
        .browser()
        .post('/login')
        .set('X-Forwarded-Proto', 'https')
        .type('form')
        .send({ email: moderator.email, password: moderator.password });
      expect(sessionCookie(res)).toMatch(/; Secure/);
    } finally {
      await tls.close();
    }
  });

  it('gives a new session id on sign-in, so a planted one is useless (session fixation)', async () => {
    const moderator = await addModerator(forum);
    const browser = forum.browser();
    const first = await browser
      .post('/login')
      .type('form')
      .send({ email: moderator.email, password: moderator.password });
    const before = sidOf(sessionCookie(first));
    const again = await browser
      .post('/login')
      .type('form')
      .send({ email: moderator.email, password: moderator.password });
    const after = sidOf(sessionCookie(again));
    expect(before).toBeTruthy();
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    // The old id no longer signs anyone in.
    const stale = await forum.browser().get('/mod').set('Cookie', `oq_session=${before}`);
    expect(stale.status).toBe(303);
    expect(stale.headers.location).toMatch(/^\/login/);
    // An id the server never issued is not adopted either.
    const planted = forum.browser();
    await planted.get('/login').set('Cookie', 'oq_session=s%3Aplanted.bad');
    const res = await planted
      .post('/login')
      .set('Cookie', 'oq_session=s%3Aplanted.bad')
      .type('form')
      .send({ email: moderator.email, password: moderator.password });
    expect(sidOf(sessionCookie(res))).not.toContain('planted');
  });

  it('refuses a wrong password and an unknown email with the same words, keeping the email', async () => {
    const moderator = await addModerator(forum);
    const wrong = await forum.browser().post('/login').type('form').send({ email: moderator.email, password: 'nope' });
    const unknown = await forum
      .browser()
      .post('/login')
      .type('form')
      .send({ email: 'nobody@example.org', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = 'The email address or password is not right';
    expect(wrong.text).toContain(message);
    expect(unknown.text).toContain(message);
    expect(wrong.text).toContain(`value="${moderator.email}"`);
    expect(sessionCookie(wrong)).toBeUndefined();
  });

  it('locks an account out after too many failures with a 429, even for the right password', async () => {
    const moderator = await addModerator(forum);
    for (let i = 0; i < 3; i += 1) {
      await forum.browser().post('/login').type('form').send({ email: moderator.email, password: 'wrong' }).expect(401);
    }
    const locked = await forum
      .browser()
      .post('/login')
      .type('form')
      .send({ email: moderator.email, password: moderator.password });
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('Too many failed sign-in attempts');
    // An unknown email locks the same way, so a 429 does not reveal that an account exists.
    for (let i = 0; i < 3; i += 1) {
      await forum.browser().post('/login').type('form').send({ email: 'ghost@example.org', password: 'x' });
    }
    expect(
      (await forum.browser().post('/login').type('form').send({ email: 'ghost@example.org', password: 'x' })).status,
    ).toBe(429);
  });

  it('limits attempts per IP across accounts', async () => {
    const strict = await startTestForum({ LOGIN_MAX_FAILURES_PER_IP: '2' });
    try {
      const moderator = await addModerator(strict);
      await strict.browser().post('/login').type('form').send({ email: 'a@example.org', password: 'x' }).expect(401);
      await strict.browser().post('/login').type('form').send({ email: 'b@example.org', password: 'x' }).expect(401);
      const res = await strict
        .browser()
        .post('/login')
        .type('form')
        .send({ email: moderator.email, password: moderator.password });
      expect(res.status).toBe(429);
      const counters = await strict.db.selectFrom('login_attempts').selectAll().execute();
      expect(counters.some((row) => row.key.startsWith('ip:') && row.failures === 2)).toBe(true);
    } finally {
      await strict.close();
    }
  });

  it('never sends anyone off-site after signing in', async () => {
    const moderator = await addModerator(forum);
    for (const next of ['https://evil.example/', '//evil.example', '/\\evil.example', '/questions/x']) {
      const res = await forum
        .browser()
        .post('/login')
        .type('form')
        .send({ email: moderator.email, password: moderator.password, next });
      expect(res.headers.location).toBe('/mod');
    }
    const kept = await forum
      .browser()
      .post('/login')
      .type('form')
      .send({ email: moderator.email, password: moderator.password, next: '/mod/log?action=approve' });
    expect(kept.headers.location).toBe('/mod/log?action=approve');
  });
});

describe('signing out', () => {
  it('ends the session, with the CSRF token', async () => {
    const { browser, csrf } = await signIn(forum);
    await browser.post('/logout').type('form').send({ _csrf: 'wrong' }).expect(403);
    await browser.get('/mod').expect(200);
    const res = await browser.post('/logout').type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    const after = await browser.get('/mod');
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe('/login?next=%2Fmod');
  });

  it('offers a sign-out button at /logout', async () => {
    const { browser } = await signIn(forum);
    const page = await browser.get('/logout').expect(200);
    expect(csrfFrom(page.text)).toBeTruthy();
  });
});

describe('the session', () => {
  it('is stored in PostgreSQL and ends after the idle timeout', async () => {
    const { browser, moderator } = await signIn(forum);
    const rows = await forum.db.selectFrom('sessions').selectAll().execute();
    const mine = rows.find((row) => (row.data as { moderatorId?: number }).moderatorId === moderator.id);
    expect(mine).toBeDefined();
    const idle = mine ? new Date(mine.expires_at).getTime() - Date.now() : 0;
    expect(idle).toBeGreaterThan(55 * 60_000);
    expect(idle).toBeLessThanOrEqual(60 * 60_000);
    // As if an hour had passed with no request.
    await forum.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('sid', '=', mine?.sid ?? '')
      .execute();
    expect((await browser.get('/mod')).status).toBe(303);
  });

  it('ends when the moderator is removed', async () => {
    const { browser, moderator } = await signIn(forum);
    await forum.db.deleteFrom('moderators').where('id', '=', moderator.id).execute();
    expect((await browser.get('/mod')).status).toBe(303);
  });

  it('is never given to readers', async () => {
    for (const path of ['/', '/questions/how-useful-can-it-be', '/api/questions']) {
      expect(sessionCookie(await forum.browser().get(path))).toBeUndefined();
    }
  });
});
