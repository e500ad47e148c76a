import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningForum } from '../../src/server.js';
import { createTestDatabase, usingServer } from '../support/database.js';
import { answer, commentIdFrom, readForm } from '../support/form.js';
import { type Follower, follow, follower, next, sameServerDatabase, startLiveForum } from '../support/live.js';

// Two app processes on one PostgreSQL server: events cross through the Socket.IO
// Postgres adapter (LISTEN/NOTIFY). The embedded database belongs to one process,
// so this runs in the server pass of CI (TEST_DATABASE_URL).
describe.runIf(usingServer())('two processes on one database', () => {
  let a: RunningForum;
  let b: RunningForum;
  const sockets: Follower[] = [];

  beforeAll(async () => {
    const database = await createTestDatabase();
    a = await startLiveForum({}, database);
    b = await startLiveForum({}, sameServerDatabase(database.url as string));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await b.stop();
    await a.stop();
  });

  it('delivers a reply posted through one process to followers on the other, both ways', async () => {
    const onA = follower(a);
    const onB = follower(b);
    sockets.push(onA, onB);
    await Promise.all([follow(onA, 'what-is-concluded'), follow(onB, 'what-is-concluded')]);

    const toB = next(onB, 'comment:new');
    const viaA = commentIdFrom(await answer(supertest.agent(a.url), 'what-is-concluded', { body: 'posted on A' }));
    expect((await toB).id).toBe(viaA);

    const toA = next(onA, 'comment:new', (c) => c.id !== viaA);
    const viaB = commentIdFrom(await answer(supertest.agent(b.url), 'what-is-concluded', { body: 'posted on B' }));
    expect((await toA).id).toBe(viaB);
  });

  it('drops the other process’s rendered page when a question changes', async () => {
    const slug = 'what-is-their-definition-of-cyberspace';
    const reader = supertest.agent(b.url);
    await reader.get(`/questions/${slug}`).expect(200);
    const id = commentIdFrom(await answer(supertest.agent(a.url), slug, { body: 'posted on A, read on B' }));
    await expect
      .poll(async () => (await reader.get(`/questions/${slug}`)).text.includes(`id="comment-${id}"`), {
        timeout: 5_000,
      })
      .toBe(true);
  });

  it('counts followers on every process', async () => {
    const slug = 'how-useful-can-it-be';
    const onA = follower(a);
    const onB1 = follower(b);
    const onB2 = follower(b);
    sockets.push(onA, onB1, onB2);
    await follow(onA, slug);
    await Promise.all([follow(onB1, slug), follow(onB2, slug)]);
    expect((await next(onA, 'presence', (p) => p.slug === slug && p.count === 3, 15_000)).count).toBe(3);
  });

  it('refuses a captcha replayed on the other process', async () => {
    const browser = supertest.agent(a.url);
    const page = await browser.get('/questions/what-is-concluded');
    const form = readForm(page.text);
    // The same browser (its cookies) sends the same form again, to the other process.
    const cookies = (page.headers['set-cookie'] as unknown as string[])
      .map((cookie) => cookie.split(';')[0])
      .join('; ');
    const fields = {
      author: 'R',
      email: 'r@example.org',
      body: 'once',
      captcha_answer: form.answer,
      captcha_token: form.token,
      _csrf: form.csrf,
    };
    expect((await browser.post('/questions/what-is-concluded/comments').type('form').send(fields)).status).toBe(303);
    const replay = await supertest(b.url)
      .post('/questions/what-is-concluded/comments')
      .type('form')
      .set('Cookie', cookies)
      .send({ ...fields, body: 'twice' });
    expect(replay.status).toBe(422);
    expect(replay.text).toContain('That sum has already been used');
  });
});
