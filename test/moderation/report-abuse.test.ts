import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, commentIdFrom } from '../support/form.js';
import { heldState, startTestForum, type TestForum } from '../support/forum.js';
import { type SignedIn, signIn } from '../support/moderators.js';

// Abuse of readers' reports: the threshold (3) must take three readers, each shown a
// page before, at three addresses; never one address, made-up cookies or no cookie.
let forum: TestForum;
let mod: SignedIn;
beforeAll(async () => {
  forum = await startTestForum({ MODERATION_REPORT_THRESHOLD: '3', TRUST_PROXY: 'loopback' });
  mod = await signIn(forum);
});
afterAll(() => forum.close());

const slug = 'what-is-concluded';
let addresses = 0;
/** A different IPv4 address each time (seen through the trusted proxy). */
const newAddress = () => {
  addresses += 1;
  return `198.51.100.${addresses}`;
};

/** A browser at an address that reads the thread first, as a reader does. */
async function reader(address = newAddress()) {
  const browser = supertest.agent(forum.app).set('X-Forwarded-For', address);
  await browser.get(`/questions/${slug}`).expect(200);
  return browser;
}

const reportFrom = (browser: supertest.Agent, id: number, path = `/comments/${id}/report`) =>
  browser.post(path).type('form').send({ reason: 'abuse', note: 'please look' });

async function newComment(body: string) {
  return commentIdFrom(await answer(forum.browser(), slug, { body }));
}

const stored = (id: number) => heldState(forum, id);

describe('reports that must not hide a comment', () => {
  it('three reports without a cookie from one address hide nothing, and say why', async () => {
    const id = await newComment('curl cannot hide me');
    for (let i = 0; i < 3; i += 1) {
      const res = await supertest(forum.app)
        .post(`/comments/${id}/report`)
        .set('X-Forwarded-For', '203.0.113.9')
        .type('form')
        .send({ reason: 'spam', note: 'typed note' });
      expect(res.status).toBe(403);
      expect(res.text).toContain('did not send back this site’s cookie');
      expect(res.text).toContain('typed note</textarea>');
      // The answer is a page: it gives the browser the cookie for its next try.
      expect(String(res.headers['set-cookie'])).toContain('oq_visitor=s%3A');
    }
    expect(await stored(id)).toEqual({ status: 'approved', held_by_rule: null });
  });

  it('nor at the older address under the question', async () => {
    const id = await newComment('nor the old way');
    for (let i = 0; i < 3; i += 1) {
      await supertest(forum.app)
        .post(`/questions/${slug}/comments/${id}/report`)
        .set('X-Forwarded-For', newAddress())
        .type('form')
        .send({ reason: 'spam' });
    }
    expect(await stored(id)).toMatchObject({ status: 'approved' });
  });

  it('many readers with cookies, all from one address, count as one', async () => {
    const id = await newComment('one address, many cookies');
    const address = newAddress();
    for (let i = 0; i < 4; i += 1) await reportFrom(await reader(address), id).expect(200);
    expect(await stored(id)).toMatchObject({ status: 'approved' });
  });

  it('a visitor cookie the forum did not issue does not count', async () => {
    const id = await newComment('made-up cookies');
    for (let i = 0; i < 3; i += 1) {
      const forged = `oq_visitor=${'Forged'.padEnd(24, String(i))}`;
      await supertest(forum.app)
        .post(`/comments/${id}/report`)
        .set('X-Forwarded-For', newAddress())
        .set('Cookie', forged)
        .type('form')
        .send({ reason: 'spam' })
        .expect(403);
    }
    expect(await stored(id)).toMatchObject({ status: 'approved' });
  });

  it('IPv6 addresses in one /64 count as one address', async () => {
    const id = await newComment('one IPv6 block');
    for (const address of ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff::3']) {
      await reportFrom(await reader(address), id).expect(200);
    }
    expect(await stored(id)).toMatchObject({ status: 'approved' });
  });
});

describe('reports that do hide a comment', () => {
  it('three readers at three addresses hide it until a moderator decides', async () => {
    const id = await newComment('three real readers');
    await reportFrom(await reader(), id).expect(200);
    await reportFrom(await reader(), id).expect(200);
    expect(await stored(id)).toMatchObject({ status: 'approved' });
    await reportFrom(await reader('2001:db8:9::1'), id, `/questions/${slug}/comments/${id}/report`).expect(200);
    expect(await stored(id)).toEqual({ status: 'pending', held_by_rule: 'reports' });
  });

  it('once a moderator approved it, new reports queue it for review but never hide it again', async () => {
    const id = await newComment('kept by a moderator');
    for (let i = 0; i < 3; i += 1) await reportFrom(await reader(), id).expect(200);
    expect(await stored(id)).toMatchObject({ status: 'pending' });
    await mod.browser.post(`/mod/comments/${id}/approve`).type('form').send({ _csrf: mod.csrf }).expect(303);
    expect(await stored(id)).toMatchObject({ status: 'approved' });
    expect((await mod.browser.get('/mod?tab=reported')).text).not.toContain(`id="row-${id}"`);

    for (let i = 0; i < 4; i += 1) await reportFrom(await reader(), id).expect(200);
    expect(await stored(id)).toMatchObject({ status: 'approved' });
    expect((await forum.browser().get(`/questions/${slug}`)).text).toContain(`id="comment-${id}"`);
    const queue = await mod.browser.get('/mod?tab=reported').expect(200);
    expect(queue.text).toContain(`id="row-${id}"`);
    expect(queue.text).toContain('Keep (dismiss reports)');
  });
});

describe('reports from one address', () => {
  let limited: TestForum;
  beforeAll(async () => {
    limited = await startTestForum({ RATE_LIMIT_REPORTS_PER_IP: '2', TRUST_PROXY: 'loopback' });
  });
  afterAll(() => limited.close());

  it('are rate-limited: 429, Retry-After, and the note kept', async () => {
    const ids = [];
    for (let i = 0; i < 3; i += 1) ids.push(commentIdFrom(await answer(limited.browser(), slug, { body: `l${i}` })));
    const browser = supertest.agent(limited.app).set('X-Forwarded-For', '192.0.2.77');
    await browser.get(`/questions/${slug}`).expect(200);
    const send = (id: number) =>
      browser
        .post(`/comments/${id}/report`)
        .type('form')
        .send({ reason: 'other', note: `n${id}` });
    await send(ids[0] as number).expect(200);
    await send(ids[1] as number).expect(200);
    const third = await send(ids[2] as number);
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect(third.text).toContain('You are sending too many requests');
    expect(third.text).toContain(`n${ids[2]}</textarea>`);
    // Another address is not held back by this one.
    const other = supertest.agent(limited.app).set('X-Forwarded-For', '192.0.2.78');
    await other.get(`/questions/${slug}`).expect(200);
    await other.post(`/comments/${ids[2]}/report`).type('form').send({ reason: 'other' }).expect(200);
  });
});
