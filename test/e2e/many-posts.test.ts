import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPostWithQuestions } from '../../src/posts/post.repository.js';
import type { RunningForum } from '../../src/server.js';
import { startLiveForum } from '../support/live.js';
import { fillAnswer, launchChromium, screenshot, watchForTrouble } from './browser.js';

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let forum: RunningForum;
let browser: Browser;
beforeAll(async () => {
  forum = await startLiveForum();
  browser = await launchChromium();
  // A second, newer post: the front page becomes an index.
  await insertPostWithQuestions(
    forum.database.db,
    {
      slug: 'who-runs-the-internet',
      title: 'Who runs the Internet?',
      category: 'Internet governance',
      published_on: '2026-11-30',
      source_title: null,
      source_name: null,
      source_line: null,
      body: 'Some say nobody does. Who pays for the root servers?\n\nAnd who decides the rules that keep it running?',
    },
    [
      {
        slug: 'who-pays-for-the-root-servers',
        position: 0,
        wording: 'Who pays for the root servers?',
        quote: 'Who pays for the root servers?',
        quote_start: 22,
        passage: 'Some say nobody does. Who pays for the root servers?',
      },
    ],
  );
});
afterAll(async () => {
  await browser?.close();
  await forum?.stop();
});

const slug = 'what-is-their-definition-of-cyberspace';

/** Serious and critical accessibility violations axe-core finds on the page. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_SCRIPT });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: () => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('a forum of many posts in the browser', () => {
  it('shows a returning reader "1 new" on the front page and marks the answer "New" in the thread', async () => {
    const readerContext = await browser.newContext();
    const writerContext = await browser.newContext();
    const reader = await readerContext.newPage();
    const writer = await writerContext.newPage();
    const trouble = [...watchForTrouble(reader), ...watchForTrouble(writer)];

    await reader.goto(`${forum.url}/`);
    expect(await reader.locator('.featured__title').textContent()).toBe('Who runs the Internet?');
    await reader.goto(`${forum.url}/questions/${slug}`);

    await writer.goto(`${forum.url}/questions/${slug}`);
    await fillAnswer(writer, '#respond', { author: 'Ben', email: 'ben@example.org', body: 'A domain, like the sea.' });
    const response = writer.waitForResponse((r) => r.url().endsWith(`/questions/${slug}/comments`));
    await writer.click('#respond button[type="submit"]');
    const posted = await (await response).json();
    expect(posted.status).toBe('approved');

    await reader.goto(`${forum.url}/`);
    const news = reader.locator(`[data-question-slug="${slug}"] .question-list__new`);
    expect(await news.textContent()).toBe('1 new since your last visit');
    expect(await news.isVisible()).toBe(true);
    await screenshot(reader, 'many-posts-1-index-desktop');

    await reader.click(`[data-question-slug="${slug}"] .question-list__link`);
    await reader.waitForSelector(`#comment-${posted.id}.comment--new`);
    expect(await reader.locator(`#comment-${posted.id} > article > header .comment__badge--new`).textContent()).toBe(
      'New',
    );
    const jump = reader.locator('[data-jump-new]');
    expect(await jump.textContent()).toBe('Jump to first new');
    await jump.click();
    await reader.waitForFunction((id) => location.hash === `#comment-${id}`, posted.id);
    expect(await reader.locator(`#comment-${posted.id}`).isVisible()).toBe(true);
    await screenshot(reader, 'many-posts-2-thread-new');

    // Seen now: the front page no longer says so.
    await reader.goto(`${forum.url}/`);
    expect(await reader.locator(`[data-question-slug="${slug}"] .question-list__new`).count()).toBe(0);
    expect(trouble).toEqual([]);
    await readerContext.close();
    await writerContext.close();
  });

  it('reads well on a 390 px phone', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    await page.goto(`${forum.url}/`);
    // Nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'many-posts-3-index-phone');
    await page.goto(`${forum.url}/questions`);
    await screenshot(page, 'many-posts-4-questions-phone');
    await context.close();
  });

  it('has no serious or critical accessibility violations on / and /questions', async () => {
    // axe-core is injected as a script of the page's own: the forum's CSP would refuse it.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    for (const path of ['/', '/questions', '/questions?sort=answers']) {
      await page.goto(`${forum.url}${path}`);
      expect(await seriousViolations(page), path).toEqual([]);
    }
    for (const scheme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${forum.url}/`);
      expect(await seriousViolations(page), `/ in ${scheme}`).toEqual([]);
    }
    await context.close();
  });
});
