import type { Browser, Page } from 'playwright-core';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningForum } from '../../src/server.js';
import { solveCaptchaLabel } from '../support/form.js';
import { startLiveForum } from '../support/live.js';
import { listening, signIn } from '../support/moderators.js';
import { launchChromium, screenshot, watchForTrouble } from './browser.js';
import { allowedMarkup, xssPayloads } from './xss-payloads.js';

let forum: RunningForum;
let browser: Browser;
const slug = 'what-is-this-code-of-conduct-really-about';
const liveSlug = 'how-useful-can-it-be';

beforeAll(async () => {
  forum = await startLiveForum({ COMMENTS_PER_PAGE: '500', MODERATION_LINK_LIMIT: '0' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await forum?.stop();
});

/** Posts through the public endpoint with a fresh captcha; returns the status. */
async function post(question: string, fields: { author: string; url?: string; body: string }): Promise<number> {
  return (await postWithId(question, fields)).status;
}

const bodyCommentIds: number[] = [];

async function postWithId(
  question: string,
  fields: { author: string; url?: string; body: string },
): Promise<{ status: number; id?: number }> {
  const agent = supertest.agent(forum.url);
  const captcha = (await agent.get(`/api/questions/${question}/captcha`)).body as {
    label: string;
    token: string;
    csrf_token: string;
  };
  const res = await agent
    .post(`/questions/${question}/comments`)
    .set('Accept', 'application/json')
    .type('form')
    .send({
      email: 'attacker@example.org',
      url: '',
      ...fields,
      captcha_answer: String(solveCaptchaLabel(captcha.label)),
      captcha_token: captcha.token,
      _csrf: captcha.csrf_token,
    });
  return { status: res.status, id: res.body?.id };
}

/** Loads a page with probes for any script that runs and any CSP violation. */
async function probe(page: Page, url: string): Promise<{ executed: unknown; violations: string[]; trouble: string[] }> {
  const trouble = watchForTrouble(page);
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      w.__csp.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  await page.goto(url, { waitUntil: 'load' });
  // Give autofocus, animation and load handlers their chance to fire.
  await page.mouse.move(200, 300);
  await page.waitForTimeout(500);
  const executed = await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss);
  const violations = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  return { executed, violations, trouble };
}

describe('the XSS corpus in a real browser', () => {
  it(`holds ${xssPayloads.length} payloads`, () => {
    expect(xssPayloads.length).toBeGreaterThanOrEqual(100);
  });

  it('runs none of them as a body, a name or a website, on the thread, the front page and the feed', async () => {
    // Each is stored (and must then render inert) or refused with a 4xx (control characters).
    const accepted = { body: 0, author: 0, url: 0 };
    const statuses = new Set<number>();
    for (const [index, payload] of xssPayloads.entries()) {
      const asBody = await postWithId(slug, { author: `Body ${index}`, body: payload });
      if (asBody.id) bodyCommentIds.push(asBody.id);
      const results = {
        body: asBody.status,
        author: await post(slug, { author: payload.slice(0, 100), body: `As a name ${index}` }),
        url: await post(slug, {
          author: `Url ${index}`,
          url: `https://example.org/${payload}`,
          body: `As a website ${index}`,
        }),
      };
      for (const [field, status] of Object.entries(results) as [keyof typeof accepted, number][]) {
        statuses.add(status);
        if (status === 201) accepted[field] += 1;
      }
    }
    expect([...statuses].sort()).toEqual([201, 422]);
    expect(await post(slug, { author: 'Allowed', body: allowedMarkup })).toBe(201);
    console.log(`XSS corpus accepted and stored: ${JSON.stringify(accepted)} of ${xssPayloads.length} each`);
    expect(accepted.body).toBeGreaterThan(xssPayloads.length * 0.9);

    for (const path of [`/questions/${slug}`, '/', '/feed.xml', `/api/questions/${slug}/comments`]) {
      const page = await browser.newPage();
      const result = await probe(page, `${forum.url}${path}`);
      expect({ path, ...result }).toEqual({ path, executed: undefined, violations: [], trouble: [] });
      if (path.startsWith('/questions/')) {
        await screenshot(page, 'xss-1-thread');
        // The allowed tags still render as markup.
        const allowed = page.locator('.comment .prose', { hasText: 'ok link' });
        for (const tag of [
          'a[href="https://example.org/ok"]',
          'abbr',
          'b',
          'blockquote',
          'cite',
          'code',
          'del',
          'em',
          'i',
          'q',
          'strike',
          'strong',
        ]) {
          expect(await allowed.locator(tag).count(), tag).toBeGreaterThan(0);
        }
      }
      await page.close();
    }
  }, 300_000);

  it('runs none of them as moderator edits, on the thread and in every page of the queue', async () => {
    const { browser: agent, csrf, moderator } = await signIn(listening(forum), 'admin');
    let edited = 0;
    for (const [index, id] of bodyCommentIds.entries()) {
      const payload = xssPayloads[index % xssPayloads.length] as string;
      const res = await agent
        .post(`/mod/comments/${id}/edit`)
        .type('form')
        .send({
          _csrf: csrf,
          author: payload.slice(0, 100),
          email: 'edited@example.org',
          url: '',
          body: `${payload} (edited)`,
        });
      if (res.status === 303) edited += 1;
      expect(res.status).toBeLessThan(500);
    }
    console.log(`XSS corpus as moderator edits: ${edited} of ${bodyCommentIds.length} saved`);
    expect(edited).toBeGreaterThan(bodyCommentIds.length * 0.9);

    const context = await browser.newContext();
    const login = await context.newPage();
    await login.goto(`${forum.url}/login`);
    await login.fill('#email', moderator.email);
    await login.fill('#password', moderator.password);
    await Promise.all([login.waitForURL(/\/mod/), login.click('form[action="/login"] button[type="submit"]')]);
    await login.close();
    for (let pageNumber = 1; ; pageNumber += 1) {
      const page = await context.newPage();
      const result = await probe(page, `${forum.url}/mod?tab=all&page=${pageNumber}`);
      expect({ pageNumber, ...result }).toEqual({ pageNumber, executed: undefined, violations: [], trouble: [] });
      if (pageNumber === 1) await screenshot(page, 'xss-3-queue');
      const more = await page.locator('a', { hasText: 'Older comments' }).count();
      await page.close();
      if (!more) break;
    }
    const thread = await context.newPage();
    const result = await probe(thread, `${forum.url}/questions/${slug}`);
    expect(result).toEqual({ executed: undefined, violations: [], trouble: [] });
    await context.close();
  }, 300_000);

  it('runs none of them when the live script inserts them as they arrive', async () => {
    const page = await browser.newPage();
    const before = await probe(page, `${forum.url}/questions/${liveSlug}`);
    expect(before.executed).toBeUndefined();
    await page.waitForFunction(() => document.querySelector('[data-presence]')?.textContent?.includes('following'));
    let stored = 0;
    for (const [index, payload] of xssPayloads.entries()) {
      if ((await post(liveSlug, { author: `Live ${index}`, body: payload })) === 201) stored += 1;
    }
    await page.waitForFunction((n) => document.querySelectorAll('[data-thread] .comment').length >= n, stored);
    await page.mouse.move(100, 100);
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(before.trouble).toEqual([]);
    await screenshot(page, 'xss-2-live');
    await page.close();
  }, 300_000);
});
