import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningForum } from '../../src/server.js';
import { startLiveForum } from '../support/live.js';
import { fillAnswer, launchChromium, screenshot, watchForTrouble } from './browser.js';

let forum: RunningForum;
let browser: Browser;
beforeAll(async () => {
  forum = await startLiveForum();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await forum?.stop();
});

const slugs = ['what-is-concluded', 'how-useful-can-it-be', 'what-is-their-definition-of-cyberspace'];

/** Three question tabs opened at once, then an answer posted from each at once. */
async function answerFromThreeTabs(context: BrowserContext, name: string) {
  const tabs = await Promise.all(slugs.map(() => context.newPage()));
  const trouble = tabs.flatMap(watchForTrouble);
  await Promise.all(tabs.map((tab, i) => tab.goto(`${forum.url}/questions/${slugs[i]}`)));
  await Promise.all(
    tabs.map((tab, i) =>
      fillAnswer(tab, '#respond', { author: 'New Reader', email: 'new@example.org', body: `${name}, tab ${i + 1}` }),
    ),
  );
  const posted = await Promise.all(
    tabs.map(async (tab: Page, i) => {
      const response = tab.waitForResponse((r) => r.url().endsWith(`/questions/${slugs[i]}/comments`));
      await tab.click('#respond button[type="submit"]');
      const answered = await response;
      return { status: answered.status(), body: await answered.json() };
    }),
  );
  for (const [i, tab] of tabs.entries()) {
    await screenshot(tab, `first-visit-${name}-tab-${i + 1}`);
    const id = posted[i]?.body.id;
    await tab.waitForSelector(`#comment-${id}`);
    expect(await tab.locator('[data-error-summary]').isVisible()).toBe(false);
  }
  expect(posted.map((p) => p.status)).toEqual([201, 201, 201]);
  expect(trouble).toEqual([]);
  return posted;
}

describe('a first-time reader opening questions in tabs at once', () => {
  it('front page, then three questions at once: three answers, no error', async () => {
    const context = await browser.newContext();
    await (await context.newPage()).goto(`${forum.url}/`);
    const posted = await answerFromThreeTabs(context, 'after-front-page');
    expect(new Set(posted.map((p) => p.body.id)).size).toBe(3);
    await context.close();
  });

  it('three questions at once before any cookie was set: three answers, no error', async () => {
    const context = await browser.newContext();
    await answerFromThreeTabs(context, 'no-cookie-yet');
    await context.close();
  });

  it('a form refused as expired says so, keeps the answer, and posts when sent again', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const trouble = watchForTrouble(page);
    await page.goto(`${forum.url}/questions/${slugs[0]}`);
    // As if the page had been left open past its token's life.
    await page.evaluate(() => {
      const field = document.querySelector<HTMLInputElement>('[data-comment-form] input[name="_csrf"]');
      if (field) field.value = 'v.0.stale';
    });
    const fields = { author: 'Patient Reader', email: 'patient@example.org', body: 'Written over an evening' };
    await fillAnswer(page, '#respond', fields);
    const refused = page.waitForResponse((r) => r.url().endsWith(`/questions/${slugs[0]}/comments`));
    await page.click('#respond button[type="submit"]');
    expect((await refused).status()).toBe(403);
    await page.waitForSelector('[data-error-summary]:not([hidden])');
    expect(await page.locator('[data-error-summary]').textContent()).toContain('could not be checked');
    expect(await page.locator('#body').inputValue()).toBe(fields.body);
    await screenshot(page, 'first-visit-stale-form-refused');

    await fillAnswer(page, '#respond', fields);
    const again = page.waitForResponse((r) => r.url().endsWith(`/questions/${slugs[0]}/comments`));
    await page.click('#respond button[type="submit"]');
    expect((await again).status()).toBe(201);
    expect(trouble.filter((line) => !line.includes('403'))).toEqual([]);
    await context.close();
  });
});
