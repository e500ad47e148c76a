import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ana, readForm } from '../support/form.js';
import { startTestForum, type TestForum } from '../support/forum.js';

// Posts sent at once (a double click, a script) must be judged one after the other:
// the flood and duplicate rules cannot both pass two of them.
let flood: TestForum;
let duplicates: TestForum;
beforeAll(async () => {
  flood = await startTestForum({ MODERATION_FLOOD_SECONDS: '15', TRUST_PROXY: 'loopback' });
  duplicates = await startTestForum({ MODERATION_DUPLICATE_CHECK: 'true' });
});
afterAll(async () => {
  await flood.close();
  await duplicates.close();
});

const slug = 'what-is-concluded';

/** Several forms fetched first, then all posted at the same moment. */
async function postAtOnce(forum: TestForum, bodies: { email: string; body: string }[], address = '192.0.2.1') {
  const forms = await Promise.all(
    bodies.map(async () => {
      const browser = supertest.agent(forum.app).set('X-Forwarded-For', address);
      return { browser, form: readForm((await browser.get(`/questions/${slug}`)).text) };
    }),
  );
  const sent = await Promise.all(
    forms.map(({ browser, form }, i) =>
      browser
        .post(form.action)
        .type('form')
        .send({
          ...ana,
          ...bodies[i],
          captcha_answer: form.answer,
          captcha_token: form.token,
          _csrf: form.csrf,
        }),
    ),
  );
  return sent.map((res) => res.status).sort();
}

describe('posts sent at once', () => {
  it('from one email within the flood interval: one is taken, the others refused', async () => {
    const statuses = await postAtOnce(
      flood,
      [1, 2, 3, 4].map((i) => ({ email: 'twice@example.org', body: `flood ${i}` })),
    );
    expect(statuses).toEqual([303, 429, 429, 429]);
  });

  it('from one address with different emails: one is taken, the others refused', async () => {
    const statuses = await postAtOnce(
      flood,
      [1, 2, 3].map((i) => ({ email: `addr${i}@example.org`, body: `same address ${i}` })),
      '192.0.2.2',
    );
    expect(statuses).toEqual([303, 429, 429]);
  });

  it('with the same words from the same person: one is taken, the other is a duplicate', async () => {
    const statuses = await postAtOnce(
      duplicates,
      [1, 2, 3].map(() => ({ email: 'dup@example.org', body: 'Sent twice by a double click' })),
    );
    expect(statuses).toEqual([303, 409, 409]);
  });
});
