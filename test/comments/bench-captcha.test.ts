import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../src/messages.js';
import { commentIdFrom, readForm } from '../support/form.js';
import { startTestForum, type TestForum } from '../support/forum.js';

// Two forums on their own databases: one as deployed, one as `npm run bench` starts it.
let guarded: TestForum;
let bench: TestForum;
beforeAll(async () => {
  [guarded, bench] = await Promise.all([startTestForum(), startTestForum({ BENCH_DISABLE_CAPTCHA: 'true' })]);
});
afterAll(() => Promise.all([guarded.close(), bench.close()]));

const slug = 'what-is-their-definition-of-cyberspace';
/** What the bench posts: the visible fields and the CSRF token, no captcha, no Origin header. */
const benchPost = { author: 'Bench', email: 'bench@example.org', body: 'Posted without a captcha.' };

describe('BENCH_DISABLE_CAPTCHA', () => {
  it('lets a post without a captcha through only when it is on', async () => {
    const guardedBrowser = guarded.browser();
    const { csrf: guardedCsrf } = readForm((await guardedBrowser.get(`/questions/${slug}`)).text);
    const refused = await guardedBrowser
      .post(`/questions/${slug}/comments`)
      .type('form')
      .send({ ...benchPost, _csrf: guardedCsrf });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain(messages.captchaRequired);

    const browser = bench.browser();
    const { csrf } = readForm((await browser.get(`/questions/${slug}`)).text);
    const accepted = await browser
      .post(`/questions/${slug}/comments`)
      .type('form')
      .send({ ...benchPost, _csrf: csrf });
    expect(accepted.status).toBe(303);
    const id = commentIdFrom(accepted);
    const stored = await bench.db
      .selectFrom('comments')
      .select(['author', 'status'])
      .where('id', '=', id)
      .executeTakeFirst();
    expect(stored).toEqual({ author: 'Bench', status: 'approved' });
  });
});
