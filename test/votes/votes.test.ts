import type { Agent } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvents } from '../support/events.js';
import { answer, commentIdFrom } from '../support/form.js';
import { startTestForum, type TestForum } from '../support/forum.js';
import { type SignedIn, signIn } from '../support/moderators.js';

let forum: TestForum;
let mod: SignedIn;
beforeAll(async () => {
  forum = await startTestForum();
  mod = await signIn(forum);
});
afterAll(async () => {
  forum.maps.close();
  await forum.close();
});

const slug = 'what-is-concluded';
const voteUrl = (id: number) => `/comments/${id}/vote`;

/** A reader: a browser that has opened the thread (its visitor cookie and the vote form's token). */
async function reader(): Promise<{ browser: Agent; token: string; page: string }> {
  const browser = forum.browser();
  const page = await browser.get(`/questions/${slug}`).expect(200);
  const token = /<form id="vote" method="post" hidden><input type="hidden" name="_csrf" value="([^"]+)">/.exec(
    page.text,
  )?.[1];
  if (!token) throw new Error('No vote form on the thread page');
  return { browser, token, page: page.text };
}

const vote = (who: { browser: Agent; token: string }, id: number, choice: string, json = false) => {
  const request = who.browser.post(voteUrl(id)).type('form');
  if (json) request.set('Accept', 'application/json');
  return request.send({ _csrf: who.token, vote: choice });
};

const countsOnPage = (html: string, id: number) => {
  const element = html.slice(html.indexOf(`id="comment-${id}"`));
  return /<data value="(\d+),(\d+),(\d+)">([^<]*)<\/data>/.exec(element)?.slice(1);
};

describe('votes on comments', () => {
  let id: number;
  beforeAll(async () => {
    id = commentIdFrom(await answer(forum.browser(), slug, { body: 'Votes should count.' }));
  });

  it('every published comment has Agree, Disagree and Pass buttons submitting the page’s vote form', async () => {
    const { page } = await reader();
    const element = page.slice(page.indexOf(`id="comment-${id}"`));
    for (const choice of ['agree', 'disagree', 'pass']) {
      expect(element).toContain(`<button form="vote" formaction="/comments/${id}/vote" name="vote" value="${choice}">`);
    }
    expect(countsOnPage(page, id)).toEqual(['0', '0', '0', '0 agree · 0 disagree · 0 pass']);
  });

  it('takes a vote by form (303 back to the comment) and by JSON, and shows the counts', async () => {
    const first = await reader();
    const byForm = await vote(first, id, 'agree');
    expect(byForm.status).toBe(303);
    expect(byForm.headers.location).toBe(`/comments/${id}`);
    const second = await reader();
    const byJson = await vote(second, id, 'disagree', true).expect(200);
    expect(byJson.body).toEqual({ agree: 1, disagree: 1, pass: 0 });
    const { page } = await reader();
    expect(countsOnPage(page, id)).toEqual(['1', '1', '0', '1 agree · 1 disagree · 0 pass']);
  });

  it('keeps one vote per reader: a new vote replaces the old, and the reader can see which', async () => {
    const own = commentIdFrom(await answer(forum.browser(), slug, { body: 'Change your mind.' }));
    const who = await reader();
    expect((await vote(who, own, 'agree', true)).body).toEqual({ agree: 1, disagree: 0, pass: 0 });
    expect((await vote(who, own, 'pass', true)).body).toEqual({ agree: 0, disagree: 0, pass: 1 });
    const mine = await who.browser.get(`/api/questions/${slug}/votes/mine`).expect(200);
    expect(mine.body.votes[own]).toBe('pass');
    expect(mine.headers['cache-control']).toContain('no-store');
    // Another reader sees none of it as theirs.
    const other = await reader();
    expect((await other.browser.get(`/api/questions/${slug}/votes/mine`)).body.votes[own]).toBeUndefined();
  });

  it('records each change as comment.voted, and the same vote again as nothing', async () => {
    const who = await reader();
    const events = recordEvents(forum, ['comment.voted']);
    await vote(who, id, 'pass', true).expect(200);
    await vote(who, id, 'pass', true).expect(200);
    await vote(who, id, 'agree', true).expect(200);
    events.stop();
    expect(events.seen.map(({ payload }) => payload)).toMatchObject([
      { type: 'comment.voted', commentId: id },
      { type: 'comment.voted', commentId: id },
    ]);
  });

  it('refuses a vote from a browser that never opened a page (no visitor cookie)', async () => {
    const bare = await forum
      .browser()
      .post(voteUrl(id))
      .type('form')
      .set('Accept', 'application/json')
      .send({ vote: 'agree' });
    expect(bare.status).toBe(403);
    expect(bare.body.message).toContain('Open the question’s page first');
    const html = await forum.browser().post(voteUrl(id)).type('form').send({ vote: 'agree' });
    expect(html.status).toBe(403);
    expect(html.text).toContain('Open the question’s page first');
  });

  it('refuses a vote without the page’s token, and a choice that is not one', async () => {
    const who = await reader();
    const noToken = await who.browser.post(voteUrl(id)).type('form').send({ vote: 'agree' });
    expect(noToken.status).toBe(403);
    expect(noToken.text).toContain('The page you voted from had expired');
    const wrong = await vote(who, id, 'maybe', true);
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors.vote).toBe('Choose Agree, Disagree or Pass');
    await vote(who, 999_999, 'agree', true).expect(404);
  });

  it('never moves a comment: the thread’s order is the same after votes', async () => {
    const before = await reader();
    const order = (html: string) => [...html.matchAll(/id="comment-(\d+)"/g)].map((match) => match[1]);
    const last = Number(order(before.page).at(-1));
    for (let i = 0; i < 3; i += 1) await vote(await reader(), last, 'agree', true).expect(200);
    const after = await reader();
    expect(order(after.page)).toEqual(order(before.page));
  });

  it('stops counting votes on a removed comment, and refuses new ones', async () => {
    const doomed = commentIdFrom(await answer(forum.browser(), slug, { body: 'Soon trashed.' }));
    await vote(await reader(), doomed, 'agree', true).expect(200);
    await mod.browser.post(`/mod/comments/${doomed}/trash`).type('form').send({ _csrf: mod.csrf }).expect(303);
    const who = await reader();
    expect(who.page).not.toContain(`id="comment-${doomed}"`);
    await vote(who, doomed, 'agree', true).expect(404);
  });

  it('shows moderators the totals per comment and bursts from one address range', async () => {
    const burst = commentIdFrom(await answer(forum.browser(), slug, { body: 'Brigaded answer.' }));
    for (let i = 0; i < 20; i += 1) await vote(await reader(), burst, 'agree', true).expect(200);
    const page = await mod.browser.get('/mod/votes').expect(200);
    expect(page.text).toContain(`data-comment-id="${burst}"`);
    const row = page.text.slice(page.text.indexOf(`data-comment-id="${burst}"`));
    expect(row).toMatch(/<td>20<\/td><td>0<\/td><td>0<\/td>/);
    // Every test reader comes from 127.0.0.1 (or ::ffff:127.0.0.1): one /24.
    expect(page.text).toContain('<code>127.0.0.0/24</code>');
    expect(page.text).not.toMatch(/oq_visitor|visitor_id/);
    await forum.browser().get('/mod/votes').expect(303);
  }, 60_000);
});
