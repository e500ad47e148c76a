import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningForum } from '../../src/server.js';
import { answer, commentIdFrom } from '../support/form.js';
import { startLiveForum } from '../support/live.js';
import { listening, type SignedIn, signIn } from '../support/moderators.js';
import { launchChromium, screenshot, watchForTrouble } from './browser.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let forum: RunningForum;
let browser: Browser;
let mod: SignedIn;
beforeAll(async () => {
  forum = await startLiveForum();
  browser = await launchChromium();
  mod = await signIn(listening(forum), 'moderator', 'Summary Sam');
});
afterAll(async () => {
  await browser?.close();
  await forum?.stop();
});

/** axe-core's serious and critical findings on the page as it is now (its source injected, nothing fetched). */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated by the driver, not as a page script: the forum's CSP allows no inline script.
  await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: () => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
      }
    ).axe;
    return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.count})`);
}

describe('a question’s conclusion in the browser', () => {
  it('a follower sees the summary appear live and a trashed comment with replies become a tombstone in place', async () => {
    const slug = 'what-is-concluded';
    const agent = supertest.agent(forum.url);
    const cited = commentIdFrom(
      await answer(agent, slug, { author: 'Cited Cora', body: 'Codes work when someone checks them.' }),
    );
    const removed = commentIdFrom(await answer(agent, slug, { author: 'Removed Rob', body: 'Something rude.' }));
    const reply = commentIdFrom(
      await answer(agent, slug, { author: 'Replying Rita', body: 'That was uncalled for.' }, { replyTo: removed }),
    );

    const reader = await browser.newPage();
    const trouble = watchForTrouble(reader);
    await reader.goto(`${forum.url}/questions/${slug}`);
    await reader.evaluate(() => Object.assign(window, { __sameDocument: true }));
    await reader.waitForFunction(() => document.querySelector('[data-presence]')?.textContent?.includes('following'));
    expect(await reader.locator('[data-summary]').isHidden()).toBe(true);

    const question = await forum.database.db
      .selectFrom('questions')
      .selectAll()
      .where('slug', '=', slug)
      .executeTakeFirstOrThrow();
    await mod.browser
      .post(`/mod/questions/${question.id}/edit`)
      .type('form')
      .send({
        _csrf: mod.csrf,
        wording: question.wording,
        passage: question.passage,
        status: 'concluded',
        summary: `We heard that codes need checking: #comment-${cited}.\n\nThe forum will publish a follow-up.`,
      })
      .expect(303);
    await reader.waitForSelector('[data-summary]:not([hidden])', { timeout: 10_000 });
    expect(await reader.locator('[data-summary-content]').textContent()).toContain(
      'Codes work when someone checks them.',
    );
    expect(await reader.locator('[data-summary] a.answer-ref').getAttribute('href')).toBe(`/comments/${cited}`);

    await mod.browser
      .post(`/mod/comments/${removed}/trash`)
      .type('form')
      .send({ _csrf: mod.csrf, reason: 'Personal attack' })
      .expect(303);
    await reader.waitForFunction(
      (id) => document.getElementById(id)?.classList.contains('comment--removed'),
      `comment-${removed}`,
      { timeout: 10_000 },
    );
    const tombstone = reader.locator(`#comment-${removed}`);
    expect(await tombstone.locator(':scope > article').textContent()).toBe('Removed by a moderator: Personal attack');
    expect(await tombstone.locator(`#comment-${reply}`).count()).toBe(1);
    expect(await reader.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(trouble).toEqual([]);

    // The same page as a new reader gets it, on a desktop and a phone, and the public record.
    for (const [name, width, height] of [
      ['desktop', 1280, 900],
      ['phone', 390, 844],
    ] as const) {
      const page = await browser.newPage({ viewport: { width, height } });
      await page.goto(`${forum.url}/questions/${slug}#summary`);
      expect(await page.locator(`#comment-${removed}.comment--removed #comment-${reply}`).count()).toBe(1);
      await screenshot(page, `conclusion-thread-${name}`);
      expect(await seriousViolations(page)).toEqual([]);
      await page.goto(`${forum.url}/questions/${slug}/moderation`);
      await screenshot(page, `conclusion-moderation-record-${name}`);
      expect(await seriousViolations(page)).toEqual([]);
      await page.goto(`${forum.url}/questions/${slug}/summary/history`);
      expect(await seriousViolations(page)).toEqual([]);
      await page.close();
    }
    const print = await browser.newPage();
    await print.goto(`${forum.url}/questions/${slug}`);
    await print.emulateMedia({ media: 'print' });
    expect(await print.locator('form[data-comment-form]').isVisible()).toBe(false);
    expect(await print.locator('.site-header').isVisible()).toBe(false);
    expect(await print.locator('[data-summary]').isVisible()).toBe(true);
    await print.close();
  });
});
