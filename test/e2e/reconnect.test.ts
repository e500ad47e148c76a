import type { Browser } from 'playwright-core';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningForum } from '../../src/server.js';
import { answer, commentIdFrom } from '../support/form.js';
import { startLiveForum } from '../support/live.js';
import { listening, type SignedIn, signIn } from '../support/moderators.js';
import { launchChromium, screenshot, watchForTrouble } from './browser.js';

let forum: RunningForum;
let browser: Browser;
let mod: SignedIn;
beforeAll(async () => {
  forum = await startLiveForum();
  browser = await launchChromium();
  mod = await signIn(listening(forum));
});
afterAll(async () => {
  await browser?.close();
  await forum?.stop();
});

describe('a page that loses its network', () => {
  it('shows, once back, a removal and an edit made while it was offline, without a reload', async () => {
    const slug = 'what-is-concluded';
    const poster = supertest.agent(forum.url);
    const trashed = commentIdFrom(await answer(poster, slug, { author: 'Tess', body: 'This one will be trashed.' }));
    const edited = commentIdFrom(await answer(poster, slug, { author: 'Eddie', body: 'This one has a typo.' }));

    const context = await browser.newContext();
    const [cut, steady] = [await context.newPage(), await browser.newPage()];
    const trouble = watchForTrouble(steady);
    for (const page of [cut, steady]) {
      await page.goto(`${forum.url}/questions/${slug}`);
      await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
      await page.waitForFunction(() => document.querySelector('[data-presence]')?.textContent?.includes('following'));
    }
    await context.setOffline(true);
    // The socket notices the lost network on its next ping at the latest; make it prompt.
    await cut.evaluate(() => window.dispatchEvent(new Event('offline')));

    await mod.browser.post(`/mod/comments/${trashed}/trash`).type('form').send({ _csrf: mod.csrf }).expect(303);
    await mod.browser
      .post(`/mod/comments/${edited}/edit`)
      .type('form')
      .send({ _csrf: mod.csrf, author: 'Eddie', email: 'ana@example.org', url: '', body: 'This one is corrected.' })
      .expect(303);
    // The page that stayed online sees both at once.
    await steady.waitForSelector(`#comment-${trashed}`, { state: 'detached', timeout: 10_000 });
    await steady.waitForFunction(
      (id) => document.querySelector(`#comment-${id}`)?.textContent?.includes('corrected'),
      edited,
    );
    expect(await cut.locator(`#comment-${trashed}`).count()).toBe(1);

    await context.setOffline(false);
    await cut.evaluate(() => window.dispatchEvent(new Event('online')));
    await cut.waitForSelector(`#comment-${trashed}`, { state: 'detached', timeout: 30_000 });
    await cut.waitForFunction(
      (id) => document.querySelector(`#comment-${id}`)?.textContent?.includes('corrected'),
      edited,
      { timeout: 10_000 },
    );
    expect(await cut.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await screenshot(cut, 'reconnect-after-offline');
    expect(trouble).toEqual([]);
    await context.close();
  }, 60_000);
});
