import supertest, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ana, answer, commentIdFrom, readForm } from '../support/form.js';
import { startTestForum, type TestForum } from '../support/forum.js';

// A first-time reader opening several questions at once: the requests go out before
// any cookie is set, each answer sets a cookie of its own, and the browser keeps the
// last one written. Every one of those forms must still post on the first try.
let forum: TestForum;
beforeAll(async () => {
  forum = await startTestForum({ TRUST_PROXY: 'loopback' });
});
afterAll(() => forum.close());

const slugs = ['what-is-concluded', 'how-useful-can-it-be', 'what-is-their-definition-of-cyberspace'];

/** The `name=value` pairs a response sets, as a Cookie header. */
function cookiesOf(res: Response): string {
  const set = res.headers['set-cookie'] as unknown as string[] | undefined;
  return (set ?? []).map((cookie) => cookie.split(';')[0]).join('; ');
}

function postForm(res: Response, cookie: string, body: string, address?: string) {
  const form = readForm(res.text);
  const request = supertest(forum.app).post(form.action).type('form').set('Cookie', cookie);
  if (address) request.set('X-Forwarded-For', address);
  return request.send({
    ...ana,
    body,
    url: '',
    parent_id: '',
    captcha_answer: form.answer,
    captcha_token: form.token,
    _csrf: form.csrf,
    homepage: '',
  });
}

describe('tabs opened at once', () => {
  it('every HTML page issues the visitor cookie, the front page included', async () => {
    for (const path of ['/', `/questions/${slugs[0]}`, `/comments/999999/report`, '/no-such-page']) {
      const res = await supertest(forum.app).get(path);
      expect(res.type).toBe('text/html');
      expect(cookiesOf(res)).toMatch(/oq_visitor=s%3A/);
    }
    // Not JSON or feeds: they are not pages a reader is shown.
    expect(cookiesOf(await supertest(forum.app).get('/api/questions'))).toBe('');
    // A browser that already has one keeps it.
    const browser = supertest.agent(forum.app);
    await browser.get('/');
    expect(cookiesOf(await browser.get(`/questions/${slugs[0]}`))).not.toContain('oq_visitor');
    // One from before cookies were signed is kept, signed now.
    const legacy = 'LegacyVisitorId_0123456789';
    const signed = await supertest(forum.app).get('/').set('Cookie', `oq_visitor=${legacy}`);
    expect(cookiesOf(signed)).toMatch(new RegExp(`oq_visitor=s%3A${legacy}\\.`));
  });

  it('three questions opened before any cookie was set all post on the first try', async () => {
    // Whichever answer's cookies the browser kept (the last one written), every form posts with them.
    for (const kept of [0, 1, 2]) {
      const pages = await Promise.all(slugs.map((slug) => supertest(forum.app).get(`/questions/${slug}`).expect(200)));
      const visitorCookies = new Set(pages.map((page) => /oq_visitor=[^;]+/.exec(cookiesOf(page))?.[0]));
      expect(visitorCookies.size).toBe(3);
      const cookie = cookiesOf(pages[kept] as Response);
      const posted = await Promise.all(pages.map((page, i) => postForm(page, cookie, `tab ${i} kept ${kept}`)));
      for (const res of posted) expect(res.status, res.text.slice(0, 300)).toBe(303);
    }
  });

  it('the front page, then three questions at once, then three answers', async () => {
    const browser = supertest.agent(forum.app);
    await browser.get('/').expect(200);
    const pages = await Promise.all(slugs.map((slug) => browser.get(`/questions/${slug}`).expect(200)));
    const posted = await Promise.all(
      pages.map((page, i) => {
        const form = readForm(page.text);
        return browser
          .post(form.action)
          .type('form')
          .send({
            ...ana,
            body: `front page tab ${i}`,
            captcha_answer: form.answer,
            captcha_token: form.token,
            _csrf: form.csrf,
          });
      }),
    );
    const ids = posted.map(commentIdFrom);
    // Each answer is this browser's own: the page it lands on marks it so.
    const thread = await browser.get(posted[0]?.headers.location as string);
    expect(thread.text).toContain(`id="comment-${ids[0]}"`);
  });
});

describe('what the CSRF token still refuses', () => {
  it('a first-visit form taken to another address', async () => {
    const page = await supertest(forum.app).get(`/questions/${slugs[0]}`).set('X-Forwarded-For', '192.0.2.10');
    const res = await postForm(page, cookiesOf(page), 'carried elsewhere', '192.0.2.11');
    expect(res.status).toBe(403);
    expect(res.text).toContain('issued to another browser');
    expect(res.text).toContain('carried elsewhere</textarea>');
  });

  it('a form issued to one reader, posted by another', async () => {
    const thief = supertest.agent(forum.app);
    await thief.get('/');
    const stolen = readForm((await thief.get(`/questions/${slugs[0]}`)).text).csrf;
    const res = await answer(supertest.agent(forum.app), slugs[0] as string, { _csrf: stolen }, { json: true });
    expect(res.status).toBe(403);
    expect(res.body.errors.form).toContain('issued to another browser');
  });

  it('a post without the visitor cookie, saying so, with the answer kept', async () => {
    const page = await supertest(forum.app).get(`/questions/${slugs[0]}`);
    const res = await postForm(page, '', 'typed without cookies');
    expect(res.status).toBe(403);
    expect(res.text).toContain('did not send back this site’s cookie');
    expect(res.text).toContain('typed without cookies</textarea>');
  });

  it('a form more than a day old: says it expired, and keeps the answer', async () => {
    const browser = supertest.agent(forum.app);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 25 * 3600 * 1000 });
    let page: Response;
    try {
      page = await browser.get(`/questions/${slugs[0]}`);
    } finally {
      vi.useRealTimers();
    }
    const form = readForm(page.text);
    const res = await browser
      .post(form.action)
      .type('form')
      .send({
        ...ana,
        body: 'written yesterday',
        captcha_answer: form.answer,
        captcha_token: form.token,
        _csrf: form.csrf,
      });
    expect(res.status).toBe(403);
    expect(res.text).toContain('This form had expired');
    expect(res.text).toContain('written yesterday</textarea>');
  });

  it('a post from another site, even with a good token and cookie', async () => {
    const browser = supertest.agent(forum.app);
    const form = readForm((await browser.get(`/questions/${slugs[0]}`)).text);
    const res = await browser
      .post(form.action)
      .type('form')
      .set('Origin', 'https://evil.example')
      .send({
        ...ana,
        body: 'forged',
        captcha_answer: form.answer,
        captcha_token: form.token,
        _csrf: form.csrf,
      });
    expect(res.status).toBe(403);
    expect(res.text).toContain('came from another website');
  });
});
