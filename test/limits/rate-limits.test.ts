import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningForum } from '../../src/server.js';
import { createTestDatabase, usingServer } from '../support/database.js';
import { answer, commentIdFrom, readForm } from '../support/form.js';
import { startTestForum, type TestForum } from '../support/forum.js';
import { follow, follower, next, sameServerDatabase, startLiveForum } from '../support/live.js';

const slug = 'what-is-concluded';

describe('rate limits', () => {
  let forum: TestForum;
  beforeAll(async () => {
    forum = await startTestForum({
      RATE_LIMIT_COMMENTS_PER_IP: '3',
      RATE_LIMIT_COMMENTS_PER_EMAIL: '2',
      RATE_LIMIT_CAPTCHAS_PER_IP: '2',
    });
  });
  afterAll(() => forum.close());

  it(`keeps the limits ${usingServer() ? 'in PostgreSQL' : 'in memory (one embedded process)'}`, () => {
    expect(forum.limits.store).toBe(usingServer() ? 'postgres' : 'memory');
  });

  it('refuses a third answer from one email with 429, Retry-After and the typed text kept', async () => {
    const browser = forum.browser();
    expect((await answer(browser, slug, { email: 'busy@example.org', body: 'one' })).status).toBe(303);
    expect((await answer(browser, slug, { email: 'busy@example.org', body: 'two' })).status).toBe(303);
    const third = await answer(browser, slug, { email: 'Busy@Example.org', body: 'three, carefully typed' });
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect(third.text).toContain('You are sending too many requests. Wait');
    expect(third.text).toContain('three, carefully typed</textarea>');
    const json = await answer(browser, slug, { email: 'busy@example.org', body: 'four' }, { json: true });
    expect(json.status).toBe(429);
    expect(json.body.errors.form).toContain('Wait');
  });

  it('refuses captcha harvesting per address', async () => {
    await forum.browser().get(`/api/questions/${slug}/captcha`).expect(200);
    await forum.browser().get(`/api/questions/${slug}/captcha`).expect(200);
    const refused = await forum.browser().get(`/api/questions/${slug}/captcha`).expect(429);
    expect(refused.headers['retry-after']).toBeDefined();
  });
});

describe.runIf(usingServer())('rate limits across two processes', () => {
  let a: RunningForum;
  let b: RunningForum;
  beforeAll(async () => {
    const database = await createTestDatabase();
    const limits = {
      RATE_LIMIT_COMMENTS_PER_IP: '2',
      RATE_LIMIT_LIVE_EVENTS_PER_IP: '3',
      RATE_LIMIT_REPORTS_PER_IP: '2',
      // Only so that the comment reported below is posted from an address of its own.
      TRUST_PROXY: 'loopback',
    };
    a = await startLiveForum(limits, database);
    b = await startLiveForum(limits, sameServerDatabase(database.url as string));
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });

  it('counts answers from one address on both processes together', async () => {
    expect((await answer(supertest.agent(a.url), slug, { email: 'x1@example.org' })).status).toBe(303);
    expect((await answer(supertest.agent(b.url), slug, { email: 'x2@example.org' })).status).toBe(303);
    const browser = supertest.agent(a.url);
    const form = readForm((await browser.get(`/questions/${slug}`)).text);
    const third = await browser.post(form.action).type('form').send({
      author: 'X',
      email: 'x3@example.org',
      body: 'third',
      captcha_answer: form.answer,
      captcha_token: form.token,
      _csrf: form.csrf,
    });
    expect(third.status).toBe(429);
  });

  it('counts reports from one address on both processes together', async () => {
    const poster = supertest.agent(a.url).set('X-Forwarded-For', '192.0.2.200');
    const id = commentIdFrom(await answer(poster, 'how-useful-can-it-be', { email: 'r@example.org' }));
    const reportOn = async (forum: RunningForum) => {
      const browser = supertest.agent(forum.url);
      await browser.get(`/comments/${id}/report`).expect(200);
      return browser.post(`/comments/${id}/report`).type('form').send({ reason: 'spam' });
    };
    expect((await reportOn(a)).status).toBe(200);
    expect((await reportOn(b)).status).toBe(200);
    expect((await reportOn(a)).status).toBe(429);
  });

  it('counts socket events from one address on both processes together', async () => {
    const onA = follower(a);
    const onB = follower(b);
    expect((await follow(onA, slug)).error).toBeUndefined();
    expect((await follow(onB, slug)).error).toBeUndefined();
    expect((await follow(onA, 'what-is-being-discussed')).error).toBeUndefined();
    const refused = next(onB, 'error', (e) => e.code === 'rate_limited');
    onB.emit('follow', { slug: 'how-useful-can-it-be' });
    expect((await refused).code).toBe('rate_limited');
    onA.disconnect();
    onB.disconnect();
  });
});
