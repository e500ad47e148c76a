import type { Agent } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeComment } from '../support/comments.js';
import { answer, commentIdFrom } from '../support/form.js';
import { startTestForum, type TestForum } from '../support/forum.js';

/**
 * The order of a thread's top-level answers (`?sort=oldest|newest|agreed`): each order's
 * pages, the reader's remembered order, the kept pages, and the pages comments are on.
 * Four comments a page, so that a few comments make several pages.
 */
let forum: TestForum;
/** One seeded question per test, so that no test sees another's comments. */
let slugs: string[];
beforeAll(async () => {
  forum = await startTestForum({ COMMENTS_PER_PAGE: '4' });
  slugs = (await forum.db.selectFrom('questions').select('slug').orderBy('id').execute()).map((row) => row.slug);
});
afterAll(() => forum.close());

function questionSlug(index: number): string {
  const slug = slugs[index];
  if (!slug) throw new Error(`The seed has no question ${index}`);
  return slug;
}

interface ShownComment {
  id: number;
  replies: ShownComment[];
}

/**
 * The thread as the page nests it: each comment element (`li#comment-<id>`) with the
 * comment elements inside it. Comment markup holds no `li` of its own (the sanitiser
 * allows none), so the comments' open and close tags are the only ones in the list.
 */
function threadOf(html: string): ShownComment[] {
  const start = html.indexOf('data-thread>');
  const end = html.indexOf('class="thread__data"');
  const list = html.slice(start, end);
  const roots: ShownComment[] = [];
  const open: ShownComment[] = [];
  for (const tag of list.matchAll(/<li\b[^>]*\bid="comment-(\d+)"|<\/li>/g)) {
    if (tag[1] === undefined) {
      open.pop();
      continue;
    }
    const comment = { id: Number(tag[1]), replies: [] };
    (open.at(-1)?.replies ?? roots).push(comment);
    open.push(comment);
  }
  return roots;
}

/** A page's top-level answers, in the order shown. */
const topLevel = (html: string) => threadOf(html).map((comment) => comment.id);

async function page(url: string, browser: Agent = forum.browser()): Promise<string> {
  return (await browser.get(url).expect(200)).text;
}

/** Stores top-level answers, oldest first (ids are given in the order comments are written). */
async function answers(slug: string, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 1; i <= count; i += 1) ids.push(await storeComment(forum.db, slug, { body: `Answer ${i}` }));
  return ids;
}

const reply = (slug: string, parentId: number, body = 'A reply') => storeComment(forum.db, slug, { body, parentId });

/** A reader who can vote: a browser that opened the thread (its visitor cookie) and the vote form's token. */
async function voter(slug: string): Promise<{ browser: Agent; token: string }> {
  const browser = forum.browser();
  const html = await page(`/questions/${slug}`, browser);
  const token = /<form id="vote" method="post" hidden><input type="hidden" name="_csrf" value="([^"]+)">/.exec(
    html,
  )?.[1];
  if (!token) throw new Error('No vote form on the thread page');
  return { browser, token };
}

/** Votes on comments as new readers, one each: `{ [id]: ['agree', 'agree', 'disagree'] }`. */
async function vote(slug: string, votes: Record<number, string[]>): Promise<void> {
  for (const [id, choices] of Object.entries(votes)) {
    for (const choice of choices) {
      const reader = await voter(slug);
      await reader.browser
        .post(`/comments/${id}/vote`)
        .type('form')
        .set('Accept', 'application/json')
        .send({ _csrf: reader.token, vote: choice })
        .expect(200);
    }
  }
}

describe('the order of top-level answers', () => {
  it('is oldest first by default, newest first or most agreed (no votes: oldest) when asked, replies under their answer', async () => {
    const slug = questionSlug(0);
    const [a1, a2, a3] = (await answers(slug, 3)) as [number, number, number];
    const r2 = await reply(slug, a2);
    const r2r = await reply(slug, r2, 'A reply to the reply');
    // Written after every answer: a reply follows its answer, whatever the order.
    const nested = { id: a2, replies: [{ id: r2, replies: [{ id: r2r, replies: [] }] }] };
    const oldest = [{ id: a1, replies: [] }, nested, { id: a3, replies: [] }];
    const newest = [{ id: a3, replies: [] }, nested, { id: a1, replies: [] }];

    // Four comments a page: a1, a2, r2, r2r on page 1 of oldest; a3, a2, r2, r2r of newest.
    expect(threadOf(await page(`/questions/${slug}`))).toEqual(oldest.slice(0, 2));
    expect(threadOf(await page(`/questions/${slug}?sort=oldest`))).toEqual(oldest.slice(0, 2));
    expect(threadOf(await page(`/questions/${slug}?sort=newest`))).toEqual(newest.slice(0, 2));
    expect(threadOf(await page(`/questions/${slug}?sort=agreed`))).toEqual(oldest.slice(0, 2));
    expect(threadOf(await page(`/questions/${slug}?sort=agreed&page=2`))).toEqual(oldest.slice(2));
    expect(threadOf(await page(`/questions/${slug}?sort=newest&page=2`))).toEqual(newest.slice(2));
  });

  it('shows the orders as links by the answers’ heading, the current one marked', async () => {
    const slug = questionSlug(0);
    const html = await page(`/questions/${slug}?sort=newest`);
    const control = html.slice(
      html.indexOf('<nav class="thread__order"'),
      html.indexOf('</nav>', html.indexOf('thread__order')),
    );
    expect(html.indexOf('thread__order')).toBeGreaterThan(html.indexOf('id="comments-heading"'));
    expect(control).toContain(`<a href="/questions/${slug}?sort=oldest#comments" rel="nofollow">Oldest first</a>`);
    expect(control).toContain('<span aria-current="true">Newest first</span>');
    expect(control).toContain(`<a href="/questions/${slug}?sort=agreed#comments" rel="nofollow">Most agreed</a>`);
    expect(html).toContain('data-sort="newest"');
    const byDefault = await page(`/questions/${slug}`);
    expect(byDefault).toContain('<span aria-current="true">Oldest first</span>');
  });

  it('puts the most agreed answers first (agree minus disagree; ties oldest first), replies and pages following', async () => {
    const slug = questionSlug(1);
    const [a1, a2, a3, a4] = (await answers(slug, 4)) as [number, number, number, number];
    const r1 = await reply(slug, a1);
    await vote(slug, {
      [a1]: ['disagree'],
      [a2]: ['agree', 'disagree'],
      [a3]: ['agree', 'agree', 'pass'],
      [a4]: ['pass'],
    });
    // Scores: a3 2, a2 0, a4 0 (a pass counts for nothing), a1 -1 with its reply.
    const first = await page(`/questions/${slug}?sort=agreed`);
    expect(threadOf(first)).toEqual([
      { id: a3, replies: [] },
      { id: a2, replies: [] },
      { id: a4, replies: [] },
      { id: a1, replies: [] },
    ]);
    // Page 2 begins inside a1's conversation: a1 again, marked, with its reply.
    const second = await page(`/questions/${slug}?sort=agreed&page=2`);
    expect(threadOf(second)).toEqual([{ id: a1, replies: [{ id: r1, replies: [] }] }]);
    expect(second).toMatch(new RegExp(`class="comment[^"]* comment--earlier" id="comment-${a1}"`));
    expect(second).toContain(`href="/questions/${slug}?sort=agreed#comments" rel="prev"`);
    // Oldest first is unmoved by votes.
    expect(topLevel(await page(`/questions/${slug}`))).toEqual([a1, a2, a3]);

    // Each comment's address leads to its page in the reader's order.
    const reader = forum.browser();
    await page(`/questions/${slug}?sort=agreed`, reader);
    await reader.get(`/comments/${a1}`).expect(302).expect('Location', `/questions/${slug}?sort=agreed#comment-${a1}`);
    await reader
      .get(`/comments/${r1}`)
      .expect(302)
      .expect('Location', `/questions/${slug}?sort=agreed&page=2#comment-${r1}`);
    await forum
      .browser()
      .get(`/comments/${a4}`)
      .expect(302)
      .expect('Location', `/questions/${slug}?page=2#comment-${a4}`);
  });

  it('pages newest first across pages, a page that begins inside a conversation showing it again, the links keeping the order', async () => {
    const slug = questionSlug(2);
    const [a1, a2, a3, a4, a5] = (await answers(slug, 5)) as [number, number, number, number, number];
    const r3a = await reply(slug, a3, 'first reply');
    const r3b = await reply(slug, a3, 'second reply');
    const r1 = await reply(slug, a1);
    // Newest first: a5, a4, a3, r3a | r3b, a2, a1, r1 (four a page).
    const first = await page(`/questions/${slug}?sort=newest`);
    expect(threadOf(first)).toEqual([
      { id: a5, replies: [] },
      { id: a4, replies: [] },
      { id: a3, replies: [{ id: r3a, replies: [] }] },
    ]);
    expect(first).toContain(`href="/questions/${slug}?sort=newest&page=2#comments" rel="next"`);
    expect(first).toContain(`<a href="/questions/${slug}?sort=newest&page=2#comments">Page 2</a>`);

    const second = await page(`/questions/${slug}?sort=newest&page=2`);
    expect(threadOf(second)).toEqual([
      { id: a3, replies: [{ id: r3b, replies: [] }] },
      { id: a2, replies: [] },
      { id: a1, replies: [{ id: r1, replies: [] }] },
    ]);
    expect(second).toContain('This page begins inside a conversation from');
    expect(second).toContain(`href="/questions/${slug}?sort=newest#comments" rel="prev"`);
    expect(second).toContain('<span aria-current="page">Page 2</span>');
    await forum.browser().get(`/questions/${slug}?sort=newest&page=3`).expect(404);

    // Oldest first, the default, keeps its links as they were: no `sort`.
    const oldest = await page(`/questions/${slug}`);
    expect(topLevel(oldest)).toEqual([a1, a2, a3]);
    expect(oldest).toContain(`href="/questions/${slug}?page=2#comments" rel="next"`);
  });

  it('remembers the order a reader picks, for their next visit; `?sort=` wins; an unknown one is ignored', async () => {
    const slug = questionSlug(3);
    const [a1, , a3] = (await answers(slug, 3)) as [number, number, number];
    const reader = forum.browser();

    const picked = await reader.get(`/questions/${slug}?sort=newest`).expect(200);
    const cookie = (picked.headers['set-cookie'] as unknown as string[]).find((line) => line.startsWith('oq_sort='));
    expect(cookie).toMatch(/^oq_sort=newest; Max-Age=\d+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    // Back with no `?sort=`, here and on another question: newest first.
    expect(topLevel(await page(`/questions/${slug}`, reader))[0]).toBe(a3);
    expect(await page(`/questions/${questionSlug(0)}`, reader)).toContain(
      '<span aria-current="true">Newest first</span>',
    );
    // A link's order wins, and is the one remembered from then on.
    expect(topLevel(await page(`/questions/${slug}?sort=oldest`, reader))[0]).toBe(a1);
    expect(topLevel(await page(`/questions/${slug}`, reader))[0]).toBe(a1);
    await page(`/questions/${slug}?sort=newest`, reader);

    // An order there is not: the page as if none were asked for, nothing remembered.
    const unknown = await reader.get(`/questions/${slug}?sort=best`).expect(200);
    expect(topLevel(unknown.text)[0]).toBe(a3);
    expect(String(unknown.headers['set-cookie'] ?? '')).not.toContain('oq_sort');
    const stranger = await forum.browser().get(`/questions/${slug}?sort=best&sort=newest`).expect(200);
    expect(topLevel(stranger.text)[0]).toBe(a1);
    expect(String(stranger.headers['set-cookie'] ?? '')).not.toContain('oq_sort');
    // A cookie naming no order is the default.
    const forged = await forum.browser().get(`/questions/${slug}`).set('Cookie', 'oq_sort=%3Cscript%3E').expect(200);
    expect(topLevel(forged.text)[0]).toBe(a1);
  });

  it('keeps each order’s pages apart: one order’s kept page never answers for another', async () => {
    const slug = questionSlug(4);
    const [a1, a2, a3] = (await answers(slug, 3)) as [number, number, number];
    // Readers without comments of their own get kept pages; each request is a new reader.
    for (let round = 0; round < 2; round += 1) {
      expect(topLevel(await page(`/questions/${slug}?sort=oldest`))).toEqual([a1, a2, a3]);
      expect(topLevel(await page(`/questions/${slug}?sort=newest`))).toEqual([a3, a2, a1]);
      expect(topLevel(await page(`/questions/${slug}`))).toEqual([a1, a2, a3]);
      expect(topLevel(await page(`/questions/${slug}?sort=agreed`))).toEqual([a1, a2, a3]);
    }
    // The pages were kept: a comment stored behind the forum's back (no event) is not on them.
    const unseen = await storeComment(forum.db, slug, { body: 'Not announced' });
    expect(topLevel(await page(`/questions/${slug}?sort=newest`))).toEqual([a3, a2, a1]);
    expect(topLevel(await page(`/questions/${slug}?sort=oldest`))).not.toContain(unseen);
  });

  it('a vote reorders the most agreed page at once (the kept pages of every order are dropped)', async () => {
    const slug = questionSlug(5);
    const [a1, a2] = (await answers(slug, 2)) as [number, number];
    expect(topLevel(await page(`/questions/${slug}?sort=agreed`))).toEqual([a1, a2]);
    expect(topLevel(await page(`/questions/${slug}?sort=newest`))).toEqual([a2, a1]);
    await vote(slug, { [a2]: ['agree'] });
    expect(topLevel(await page(`/questions/${slug}?sort=agreed`))).toEqual([a2, a1]);
    const newest = await page(`/questions/${slug}?sort=newest`);
    expect(newest.slice(newest.indexOf(`id="comment-${a2}"`))).toMatch(/<data value="1,0,0">/);
    await vote(slug, { [a2]: ['disagree', 'disagree'] });
    expect(topLevel(await page(`/questions/${slug}?sort=agreed`))).toEqual([a1, a2]);
  });

  it('sends a reader who posts, under newest first, to the page of their comment in that order', async () => {
    const slug = questionSlug(6);
    const [a1, , , , a5] = (await answers(slug, 5)) as [number, number, number, number, number];
    const writer = forum.browser();
    await page(`/questions/${slug}?sort=newest`, writer);
    // Newest first: a5, a4, a3, a2 | a1. A reply to a1 is on page 2 (oldest first: page 1).
    const replied = await answer(writer, slug, { body: 'Replying to the first' }, { replyTo: a1 });
    const replyId = commentIdFrom(replied);
    expect(replied.status).toBe(303);
    expect(replied.headers.location).toBe(`/questions/${slug}?sort=newest&page=2#comment-${replyId}`);
    expect(threadOf(await page(`/questions/${slug}?sort=newest&page=2`))).toEqual([
      { id: a1, replies: [{ id: replyId, replies: [] }] },
    ]);
    // Its lasting address leads there too, in the reader's order; another reader's is theirs.
    await writer
      .get(`/comments/${replyId}`)
      .expect(302)
      .expect('Location', `/questions/${slug}?sort=newest&page=2#comment-${replyId}`);
    await forum
      .browser()
      .get(`/comments/${replyId}`)
      .expect(302)
      .expect('Location', `/questions/${slug}#comment-${replyId}`);
    // Replying without JavaScript opens the page holding the comment, in the reader's order.
    const replying = await page(`/questions/${slug}?replyto=${a1}`, writer);
    expect(replying).toContain('<span aria-current="page">Page 2</span>');
    expect(topLevel(replying)).toEqual([a1]);

    // A new answer is the newest: page 1, at the top.
    const answered = await answer(writer, slug, { body: 'A new answer' });
    const answerId = commentIdFrom(answered);
    expect(answered.headers.location).toBe(`/questions/${slug}?sort=newest#comment-${answerId}`);
    expect(topLevel(await page(`/questions/${slug}?sort=newest`))).toEqual([
      answerId,
      a5,
      expect.any(Number),
      expect.any(Number),
    ]);
  });

  it("shows a reader's held answer where it will be once approved: first under newest, last under oldest", async () => {
    const slug = questionSlug(7);
    const ids = await answers(slug, 5);
    const writer = forum.browser();
    await page(`/questions/${slug}?sort=newest`, writer);
    const posted = await answer(writer, slug, { body: 'Held for a moderator' });
    const held = commentIdFrom(posted);
    await forum.db.updateTable('comments').set({ status: 'pending' }).where('id', '=', held).execute();
    const newestFirst = await page(`/questions/${slug}?sort=newest`, writer);
    expect(topLevel(newestFirst)[0]).toBe(held);
    expect(newestFirst).toContain('awaiting moderation');
    expect(topLevel(await page(`/questions/${slug}?sort=newest&page=2`, writer))).not.toContain(held);
    expect(topLevel(await page(`/questions/${slug}?sort=oldest`, writer))).not.toContain(held);
    expect(topLevel(await page(`/questions/${slug}?sort=oldest&page=2`, writer))).toEqual([ids[4], held]);
    // Most agreed, with no votes: where oldest first puts it.
    expect(topLevel(await page(`/questions/${slug}?sort=agreed&page=2`, writer))).toEqual([ids[4], held]);
  });
});
