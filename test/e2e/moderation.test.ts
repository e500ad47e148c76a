import type { Browser } from 'playwright-core';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningForum } from '../../src/server.js';
import { answer, commentIdFrom } from '../support/form.js';
import { startLiveForum } from '../support/live.js';
import { addModerator, listening } from '../support/moderators.js';
import { launchChromium, screenshot, watchForTrouble } from './browser.js';

let forum: RunningForum;
let browser: Browser;
beforeAll(async () => {
  forum = await startLiveForum({ MODERATION_HOLD_ALL: 'true' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await forum?.stop();
});

describe('moderating in the browser', () => {
  it('shows a held comment in the queue live; approving it with the keyboard puts it in place on a follower’s page', async () => {
    const slug = 'do-the-military-need-to-comply';
    const account = await addModerator(listening(forum), 'moderator', 'Queue Mod');
    const moderator = await browser.newPage();
    const reader = await browser.newPage();
    const trouble = [...watchForTrouble(moderator), ...watchForTrouble(reader)];
    await moderator.goto(`${forum.url}/login`);
    await moderator.fill('#email', account.email);
    await moderator.fill('#password', account.password);
    await Promise.all([moderator.waitForURL(/\/mod/), moderator.click('form[action="/login"] button[type="submit"]')]);
    await screenshot(moderator, 'mod-1-empty-queue');

    await reader.goto(`${forum.url}/questions/${slug}`);
    await reader.evaluate(() => Object.assign(window, { __sameDocument: true }));
    await reader.waitForFunction(() => document.querySelector('[data-presence]')?.textContent?.includes('following'));

    const id = commentIdFrom(
      await answer(supertest.agent(forum.url), slug, { author: 'Held Harriet', body: 'Please let me in.' }),
    );
    await moderator.waitForSelector(`#row-${id}`, { timeout: 10_000 });
    expect(await reader.locator(`#comment-${id}`).count()).toBe(0);
    await screenshot(moderator, 'mod-2-held-comment-arrives');

    await moderator.keyboard.press('j');
    expect(await moderator.locator(`#row-${id}`).getAttribute('class')).toContain('queue-item--current');
    await Promise.all([moderator.waitForLoadState('load'), moderator.keyboard.press('a')]);
    await reader.waitForSelector(`#comment-${id}`, { timeout: 10_000 });
    expect(await reader.locator(`#comment-${id} .prose`).textContent()).toContain('Please let me in.');
    expect(await reader.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await screenshot(reader, 'mod-3-follower-sees-approved');
    await moderator.waitForFunction((row) => !document.getElementById(row), `row-${id}`);
    await screenshot(moderator, 'mod-4-queue-after-approve');
    expect(trouble).toEqual([]);
  });
});
