import type { Browser } from 'playwright-core';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningForum } from '../../src/server.js';
import { answer, commentIdFrom } from '../support/form.js';
import { startLiveForum } from '../support/live.js';
import { launchChromium, screenshot, watchForTrouble } from './browser.js';

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

const slug = 'what-is-their-definition-of-cyberspace';
const comment = async (body: string) => commentIdFrom(await answer(supertest.agent(forum.url), slug, { body }));

/** A reader outside the browser, for the many votes a map needs. */
async function reader() {
  const agent = supertest.agent(forum.url);
  const page = await agent.get(`/questions/${slug}`);
  const token = /<form id="vote" method="post" hidden><input type="hidden" name="_csrf" value="([^"]+)">/.exec(
    page.text,
  )?.[1] as string;
  return (id: number, vote: string) =>
    agent.post(`/comments/${id}/vote`).type('form').set('Accept', 'application/json').send({ _csrf: token, vote });
}

describe('votes in the browser', () => {
  it('a vote in one page changes the count in another, in place; the voter sees their choice', async () => {
    const id = await comment('Vote on me.');
    const [voter, watcher] = [await browser.newPage(), await browser.newPage()];
    const trouble = [...watchForTrouble(voter), ...watchForTrouble(watcher)];
    await Promise.all([voter.goto(`${forum.url}/questions/${slug}`), watcher.goto(`${forum.url}/questions/${slug}`)]);
    await watcher.waitForFunction(() => document.querySelector('[data-presence]')?.textContent?.includes('2 people'));
    await watcher.evaluate(() => Object.assign(window, { __sameDocument: true }));
    const counts = (page: typeof voter) => page.locator(`#comment-${id} > article > footer data`).textContent();
    expect(await counts(watcher)).toBe('0 agree · 0 disagree · 0 pass');

    await voter.click(`#comment-${id} button[value="agree"]`);
    await watcher.waitForFunction(
      (selector) => document.querySelector(selector)?.textContent === '1 agree · 0 disagree · 0 pass',
      `#comment-${id} > article > footer data`,
    );
    expect(await watcher.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(await counts(voter)).toBe('1 agree · 0 disagree · 0 pass');
    expect(await voter.locator(`#comment-${id} button[value="agree"]`).getAttribute('aria-pressed')).toBe('true');
    await screenshot(watcher, 'votes-1-count-changed-in-other-page');

    // A changed mind replaces the vote; after a reload the page still shows which.
    await voter.click(`#comment-${id} button[value="disagree"]`);
    await watcher.waitForFunction(
      (selector) => document.querySelector(selector)?.textContent === '0 agree · 1 disagree · 0 pass',
      `#comment-${id} > article > footer data`,
    );
    await voter.reload();
    await voter.waitForSelector(`#comment-${id} button[value="disagree"][aria-pressed="true"]`);
    await screenshot(voter, 'votes-2-voter-sees-choice');
    expect(trouble).toEqual([]);
  });

  it('votes without JavaScript: the button posts the form and the page comes back with the count', async () => {
    const id = await comment('Vote without script.');
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${forum.url}/questions/${slug}`);
    await page.click(`#comment-${id} button[value="pass"]`);
    await page.waitForURL(new RegExp(`#comment-${id}$`));
    expect(await page.locator(`#comment-${id} > article > footer data`).textContent()).toBe(
      '0 agree · 0 disagree · 1 pass',
    );
    await context.close();
  });

  it('draws the opinion map as SVG, readable without JavaScript', async () => {
    const ids = await Promise.all(
      ['We should.', 'We must.', 'We must not.', 'We should not.', 'Talk first.'].map(comment),
    );
    for (let i = 0; i < 12; i += 1) {
      const vote = await reader();
      const inA = i < 7;
      for (const [index, id] of ids.entries()) {
        await vote(id, index === 4 ? 'agree' : index < 2 === inA ? 'agree' : 'disagree').expect(200);
      }
    }
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await expect
      .poll(
        async () => {
          await page.goto(`${forum.url}/questions/${slug}/map`);
          // The map is made again a moment after votes: wait for the one with every voter.
          return page.locator('svg.opinion-map__svg circle').count();
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBeGreaterThanOrEqual(12);
    expect(await page.locator('svg.opinion-map__svg').count()).toBe(1);
    expect(await page.locator('#groups-heading').textContent()).toBe('2 groups of readers');
    expect(await page.locator('[data-consensus]').textContent()).toContain('Talk first.');
    await screenshot(page, 'votes-3-opinion-map');
    await context.close();
  });
});
