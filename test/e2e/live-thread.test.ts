import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningForum } from '../../src/server.js';
import { storeComment } from '../support/comments.js';
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

const slug = 'what-is-their-definition-of-cyberspace';

describe('a live thread in the browser', () => {
  it('shows a reply posted in one page in place in the other, and in the poster’s, without a reload', async () => {
    const [poster, reader] = [await browser.newPage(), await browser.newPage()];
    const trouble = [...watchForTrouble(poster), ...watchForTrouble(reader)];
    await Promise.all([poster.goto(`${forum.url}/questions/${slug}`), reader.goto(`${forum.url}/questions/${slug}`)]);
    // Set on the live pages: a reload would lose them.
    await poster.evaluate(() => Object.assign(window, { __sameDocument: true }));
    await reader.evaluate(() => Object.assign(window, { __sameDocument: true }));
    await reader.waitForFunction(() => document.querySelector('[data-presence]')?.textContent?.includes('2 people'));
    await screenshot(reader, 'live-1-two-readers');

    await fillAnswer(poster, '#respond', {
      author: 'Ana',
      email: 'ana@example.org',
      body: 'Cyberspace is a <em>domain</em>.',
    });
    const response = poster.waitForResponse((r) => r.url().endsWith(`/questions/${slug}/comments`));
    await poster.click('#respond button[type="submit"]');
    const posted = await (await response).json();
    const postedAt = Date.now();
    expect(posted.status).toBe('approved');

    const arrivedAt = await reader.waitForSelector(`#comment-${posted.id}`, { timeout: 5_000 }).then(() => Date.now());
    console.log(`live delivery to the other page: ${arrivedAt - postedAt} ms after the POST answered`);
    await poster.waitForSelector(`#comment-${posted.id}`);
    expect(await reader.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(await poster.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(await reader.locator(`#comment-${posted.id} .prose em`).textContent()).toBe('domain');
    // Relative, kept true by the script, with the exact time in the title.
    const time = reader.locator(`#comment-${posted.id} > article > header time`);
    expect(await time.textContent()).toBe('just now');
    expect(await time.getAttribute('title')).toMatch(/\d{4}.*\d?\d:\d\d/);
    expect(await reader.locator('[data-live-announcer]').textContent()).toBe('New answer from Ana');
    expect(await poster.locator('#body').inputValue()).toBe('');
    expect(await reader.locator('[data-answer-total]').textContent()).toBe('1 answer');
    expect(await poster.locator(`#comment-${posted.id}`).getAttribute('class')).toContain('comment--mine');
    expect(await poster.locator('.respond__cancel').isVisible()).toBe(false);
    await screenshot(reader, 'live-2-reader-sees-answer');
    await screenshot(poster, 'live-3-poster-sees-own-answer');

    // Reply opens the form under the comment; the reply lands inside it on both pages.
    // Its accessible name says whom it answers.
    await reader.locator(`#comment-${posted.id} > article`).getByRole('link', { name: 'Reply to Ana' }).click();
    expect(await reader.locator(`#comment-${posted.id} #respond`).count()).toBe(1);
    expect(await reader.locator('#respond-heading').textContent()).toBe('Reply to Ana');
    await fillAnswer(reader, `#comment-${posted.id}`, {
      author: 'Ben',
      email: 'ben@example.org',
      body: 'Is it, though?',
    });
    const replyResponse = reader.waitForResponse((r) => r.url().endsWith(`/questions/${slug}/comments`));
    await reader.click(`#comment-${posted.id} #respond button[type="submit"]`);
    const reply = await (await replyResponse).json();
    expect(reply.parent_id).toBe(posted.id);
    await poster.waitForSelector(`#comment-${posted.id} > ol > #comment-${reply.id}`, { timeout: 5_000 });
    await reader.waitForSelector(`#comment-${posted.id} > ol > #comment-${reply.id}`);
    // After a reload, the times the page was sent with get their title too.
    await poster.reload();
    const reloaded = poster.locator(`#comment-${reply.id} > article > header time`);
    expect(await reloaded.textContent()).toBe('just now');
    expect(await reloaded.getAttribute('title')).toMatch(/\d{4}.*\d?\d:\d\d/);
    await screenshot(poster, 'live-4-reply-in-place');
    expect(trouble).toEqual([]);
    await Promise.all([poster.close(), reader.close()]);
  });

  it('puts a new answer at the top of a newest-first page, live', async () => {
    const newestSlug = 'who-is-involved-in-the-discussion';
    const older = await storeComment(forum.database.db, newestSlug, { body: 'An older answer.' });
    const [poster, reader] = [await browser.newPage(), await browser.newPage()];
    const trouble = [...watchForTrouble(poster), ...watchForTrouble(reader)];
    await Promise.all([
      poster.goto(`${forum.url}/questions/${newestSlug}`),
      reader.goto(`${forum.url}/questions/${newestSlug}?sort=newest`),
    ]);
    await reader.waitForFunction(() => document.querySelector('[data-presence]')?.textContent?.includes('2 people'));
    await fillAnswer(poster, '#respond', { author: 'Eve', email: 'eve@example.org', body: 'The newest answer.' });
    const response = poster.waitForResponse((r) => r.url().endsWith(`/questions/${newestSlug}/comments`));
    await poster.click('#respond button[type="submit"]');
    const posted = await (await response).json();
    await reader.waitForSelector(`#comment-${posted.id}`, { timeout: 5_000 });
    const order = await reader.$$eval('[data-thread] > li', (items) => items.map((item) => item.id));
    expect(order).toEqual([`comment-${posted.id}`, `comment-${older}`]);
    // Oldest first, the poster's own page has it last.
    const own = await poster.$$eval('[data-thread] > li', (items) => items.map((item) => item.id));
    expect(own).toEqual([`comment-${older}`, `comment-${posted.id}`]);
    expect(trouble).toEqual([]);
    await Promise.all([poster.close(), reader.close()]);
  });

  it('shows errors inline with everything typed kept', async () => {
    const page = await browser.newPage();
    await page.goto(`${forum.url}/questions/${slug}`);
    await fillAnswer(page, '#respond', { author: 'Cleo', email: 'cleo@', body: 'Typed with care.' });
    await page.click('#respond button[type="submit"]');
    await page.waitForSelector('[data-error-summary]:not([hidden])');
    expect(await page.locator('[data-error-summary]').textContent()).toContain(
      'Enter an email address in the correct format',
    );
    expect(await page.locator('#body').inputValue()).toBe('Typed with care.');
    expect(await page.locator('#email').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'live-5-inline-errors');
    await page.close();
  });

  it('still works without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${forum.url}/questions/${slug}`);
    await fillAnswer(page, '#respond', { author: 'Dee', email: 'dee@example.org', body: 'Posted the old way.' });
    await Promise.all([page.waitForURL(/#comment-\d+$/), page.click('#respond button[type="submit"]')]);
    const id = /#comment-(\d+)$/.exec(page.url())?.[1];
    expect(await page.locator(`#comment-${id} .prose`).textContent()).toContain('Posted the old way.');
    // Reply is a link to this page with the form set to answer that comment.
    await Promise.all([
      page.waitForURL(/\?replyto=\d+#respond$/),
      page.locator(`#comment-${id} > article`).getByRole('link', { name: 'Reply to Dee' }).click(),
    ]);
    expect(await page.locator('input[name="parent_id"]').inputValue()).toBe(id);
    expect(await page.locator('#respond-heading').textContent()).toBe('Reply to Dee');
    await screenshot(page, 'live-6-no-javascript');
    await context.close();
  });
});
