import { type Kysely, sql } from 'kysely';
import { pino } from 'pino';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { Database } from '../../src/db/database.js';
import { createEventLog } from '../../src/events/event-log.js';
import { insertPostWithQuestions } from '../../src/posts/post.repository.js';
import { createVisits } from '../../src/visits/visits.service.js';
import { usingServer } from '../support/database.js';
import { answer, commentIdFrom } from '../support/form.js';
import { startTestForum, type TestForum } from '../support/forum.js';
import { signal } from '../support/signal.js';

let forum: TestForum;

/** The answer count the question 'who-decides' keeps on its row, as `db` sees it. */
async function answerCount(db: Kysely<Database> = forum.db) {
  const row = await db
    .selectFrom('questions')
    .select('answer_count')
    .where('slug', '=', 'who-decides')
    .executeTakeFirstOrThrow();
  return row.answer_count;
}

/** A post with questions a moderator might have added (no quote in the body). */
async function addPost(slug: string, title: string, publishedOn: string | null, wordings: string[]) {
  await insertPostWithQuestions(
    forum.db,
    {
      slug,
      title,
      category: null,
      published_on: publishedOn,
      source_title: null,
      source_name: null,
      source_line: null,
      body: `${title}: the opening paragraph.\n\nThe rest of it.`,
    },
    wordings.map((wording, position) => ({
      slug: wording
        .toLowerCase()
        .replaceAll(/[^a-z0-9]+/g, '-')
        .replace(/-$/, ''),
      position,
      wording,
      quote: '',
      quote_start: null,
      passage: wording,
    })),
  );
}

beforeAll(async () => {
  forum = await startTestForum();
  // The seed post is dated 19 September 2011: one post before it, one after.
  await addPost('older-post', 'An older post', '2010-01-01', ['Is older better?', 'Who decides?']);
  await addPost('newest-post', 'The newest post', '2030-01-01', ['What comes next?']);
});
afterAll(() => forum.close());

/** The list item of a question on a page, from its opening tag to its end. */
function itemOf(html: string, slug: string): string {
  const start = html.indexOf(`<li class="question-list__item" id="question-${slug}"`);
  if (start < 0) throw new Error(`No list item for ${slug}`);
  return html.slice(start, html.indexOf('</li>', start));
}

const slugsIn = (html: string) => [...html.matchAll(/data-question-slug="([^"]+)"/g)].map((m) => m[1]);

describe('the front page with several posts', () => {
  it('features the newest post with its opening and questions, then the others newest first', async () => {
    const res = await forum.browser().get('/').expect(200);
    expect(res.text).toContain(
      '<h1 class="featured__title" id="featured-heading"><a href="/posts/newest-post">The newest post</a></h1>',
    );
    expect(res.text).toContain('<p>The newest post: the opening paragraph.</p>');
    expect(itemOf(res.text, 'what-comes-next')).toContain('0 answers');
    const multilateral = res.text.indexOf('href="/posts/multilateral-cyber-security"');
    const older = res.text.indexOf('href="/posts/older-post"');
    expect(multilateral).toBeGreaterThan(0);
    expect(older).toBeGreaterThan(multilateral);
    expect(itemOf(res.text, 'who-decides')).toContain('href="/questions/who-decides"');
    // The seed post's own page is whole, as before.
    const post = await forum.browser().get('/posts/multilateral-cyber-security').expect(200);
    expect(post.text.match(/class="question-link"/g)).toHaveLength(9);
  });

  it('shows answer counts and the time of the last answer, updated when someone answers', async () => {
    expect(commentIdFrom(await answer(forum.browser(), 'who-decides'))).toBeGreaterThan(0);
    const res = await forum.browser().get('/').expect(200);
    const item = itemOf(res.text, 'who-decides');
    expect(item).toContain('>1 answer</span>');
    expect(item).toMatch(/last answer <time datetime="[^"]+">just now<\/time>/);
  });

  it('links every page to the front page and all questions, and the footer to the feed and the API', async () => {
    for (const path of ['/', '/questions', '/questions/who-decides', '/posts/older-post']) {
      const res = await forum.browser().get(path).expect(200);
      expect(res.text).toContain(
        '<nav class="site-nav" aria-label="Site"><a href="/">Front page</a> <a href="/questions">All questions</a></nav>',
      );
      expect(res.text).toContain('<a href="/feed.xml">');
      expect(res.text).toContain('<a href="/api/questions">');
    }
  });
});

describe('every question', () => {
  it('orders by last answer (default), newest question, or most answers', async () => {
    await answer(forum.browser(), 'is-older-better');
    await answer(forum.browser(), 'is-older-better');
    await answer(forum.browser(), 'what-comes-next');
    const active = await forum.browser().get('/questions').expect(200);
    expect(slugsIn(active.text).slice(0, 3)).toEqual(['what-comes-next', 'is-older-better', 'who-decides']);
    const answers = await forum.browser().get('/questions?sort=answers').expect(200);
    expect(slugsIn(answers.text).slice(0, 2)).toEqual(['is-older-better', 'what-comes-next']);
    expect(itemOf(answers.text, 'is-older-better')).toContain('>2 answers</span>');
    expect(itemOf(answers.text, 'is-older-better')).toContain('in <a href="/posts/older-post">An older post</a>');
    const newest = await forum.browser().get('/questions?sort=newest').expect(200);
    expect(slugsIn(newest.text)[0]).toBe('what-comes-next');
    expect(slugsIn(newest.text)).toHaveLength(12);
  });

  it('filters by post and by status, and refuses what it cannot show', async () => {
    const older = await forum.browser().get('/questions?post=older-post').expect(200);
    expect(slugsIn(older.text).sort()).toEqual(['is-older-better', 'who-decides']);
    // Until questions have statuses (issue 14), none has the one asked for.
    const hasStatus = await sql<{
      n: number;
    }>`select count(*)::int as n from information_schema.columns where table_name = 'questions' and column_name = 'status'`.execute(
      forum.db,
    );
    if (hasStatus.rows[0]?.n === 0) {
      const open = await forum.browser().get('/questions?status=open').expect(200);
      expect(slugsIn(open.text)).toEqual([]);
    }
    await forum.browser().get('/questions?sort=loudest').expect(400);
    await forum.browser().get('/questions?page=0').expect(400);
    await forum.browser().get('/questions?post=no-such-post').expect(404);
    await forum.browser().get('/questions?page=9').expect(404);
  });

  it('gives the same in JSON, and today’s list unchanged without a query', async () => {
    const all = await forum.browser().get('/api/questions').expect(200);
    expect(all.body.questions).toHaveLength(12);
    expect(all.body.page).toBeUndefined();
    expect(Object.keys(all.body.questions[0])).toEqual(
      expect.arrayContaining([
        'id',
        'slug',
        'wording',
        'quote',
        'passage',
        'answer_count',
        'closed',
        'url',
        'comments_url',
      ]),
    );
    const byAnswers = await forum.browser().get('/api/questions?sort=answers&post=older-post').expect(200);
    expect(byAnswers.body.questions.map((q: { slug: string }) => q.slug)).toEqual(['is-older-better', 'who-decides']);
    expect(byAnswers.body.questions[0]).toMatchObject({
      answer_count: 2,
      post: { title: 'An older post', url: '/posts/older-post' },
      last_answer_at: expect.stringMatching(/^\d{4}-/),
    });
    expect(byAnswers.body).toMatchObject({ total: 2, page: 1, page_count: 1, next_url: null });
    await forum.browser().get('/api/questions?sort=loudest').expect(400);
  });

  it('keeps counts and the last answer on the question through moderation', async () => {
    const id = commentIdFrom(await answer(forum.browser(), 'who-decides'));
    const row = () =>
      forum.db
        .selectFrom('questions')
        .select(['answer_count', 'last_answer_id'])
        .where('slug', '=', 'who-decides')
        .executeTakeFirstOrThrow();
    expect(await row()).toEqual({ answer_count: 2, last_answer_id: id });
    await forum.db.updateTable('comments').set({ status: 'trash' }).where('id', '=', id).execute();
    expect((await row()).answer_count).toBe(1);
    expect((await row()).last_answer_id).toBeLessThan(id);
    await forum.db.updateTable('comments').set({ status: 'approved' }).where('id', '=', id).execute();
    expect(await row()).toEqual({ answer_count: 2, last_answer_id: id });
  });

  it('applies a transaction’s changes to the counts when it commits, and none of one rolled back', async () => {
    const id = commentIdFrom(await answer(forum.browser(), 'who-decides'));
    const before = await answerCount();
    await forum.db.transaction().execute(async (tx) => {
      await tx.updateTable('comments').set({ status: 'trash' }).where('id', '=', id).execute();
      // Applied at commit: inside the transaction the row is as it was.
      expect(await answerCount(tx)).toBe(before);
    });
    expect(await answerCount()).toBe(before - 1);
    await forum.db
      .transaction()
      .execute(async (tx) => {
        await tx.updateTable('comments').set({ status: 'approved' }).where('id', '=', id).execute();
        throw new Error('rolled back');
      })
      .catch(() => {});
    expect(await answerCount()).toBe(before - 1);
    await forum.db.updateTable('comments').set({ status: 'approved' }).where('id', '=', id).execute();
    expect(await answerCount()).toBe(before);
  });

  it.skipIf(!usingServer())(
    'lets two open transactions answer the same question without waiting for each other',
    async () => {
      const first = commentIdFrom(await answer(forum.browser(), 'who-decides'));
      const second = commentIdFrom(await answer(forum.browser(), 'who-decides'));
      const before = await answerCount();
      const firstMayCommit = signal();
      const firstHasChanged = signal();
      const firstTransaction = forum.db.transaction().execute(async (tx) => {
        await tx.updateTable('comments').set({ status: 'trash' }).where('id', '=', first).execute();
        firstHasChanged.fire();
        await firstMayCommit.fired;
      });
      await firstHasChanged.fired;
      // The question's row is not held by the open transaction: this one goes through
      // at once (a lock wait would fail it after the timeout).
      await forum.db.transaction().execute(async (tx) => {
        await sql`set local lock_timeout = '2s'`.execute(tx);
        await tx.updateTable('comments').set({ status: 'trash' }).where('id', '=', second).execute();
      });
      firstMayCommit.fire();
      await firstTransaction;
      expect(await answerCount()).toBe(before - 2);
    },
  );
});

describe('new since your last visit', () => {
  const reader = () => forum.browser();
  let me: ReturnType<typeof reader>;
  let newId: number;
  let visitorCookie: string;

  it('shows "N new" where another reader answered a question I had opened', async () => {
    me = reader();
    const first = await me.get('/').expect(200);
    visitorCookie = (first.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
    expect(visitorCookie).toMatch(/oq_visitor=/);
    await me.get('/questions/what-comes-next').expect(200);
    const before = await me.get('/').expect(200);
    expect(itemOf(before.text, 'what-comes-next')).not.toContain(' new');

    newId = commentIdFrom(await answer(forum.browser(), 'what-comes-next', { author: 'Ben' }));
    for (const path of ['/', '/questions', '/posts/newest-post']) {
      const res = await me.get(path).expect(200);
      const item = itemOf(res.text, 'what-comes-next');
      expect(item, path).toContain(
        `<a class="question-list__new" href="/questions/what-comes-next/comments/${newId}" data-new-count="1">1 new<span class="sr-only"> since your last visit</span></a>`,
      );
      // Only questions I opened: the others have no marks.
      if (path !== '/posts/newest-post')
        expect(itemOf(res.text, 'is-older-better')).not.toContain('question-list__new');
    }
    // Another reader, who never opened it, sees no "new".
    expect(itemOf((await reader().get('/')).text, 'what-comes-next')).not.toContain('question-list__new');
  });

  it('keeps the marks across a restart (a new app on the same database)', async () => {
    const logger = pino({ level: 'silent' });
    const log = createEventLog(forum.database, logger);
    await log.start();
    try {
      const restarted = createApp({ db: forum.db, config: forum.config, logger, log });
      const res = await supertest(restarted.app).get('/').set('Cookie', visitorCookie).expect(200);
      expect(itemOf(res.text, 'what-comes-next')).toContain('1 new');
    } finally {
      await log.stop();
    }
  });

  it('marks the new comments in the thread, with a jump link, and forgets them after the visit', async () => {
    const thread = await me.get('/questions/what-comes-next').expect(200);
    expect(thread.text).toMatch(/data-last-seen="(\d+)"/);
    expect(Number(/data-last-seen="(\d+)"/.exec(thread.text)?.[1])).toBeLessThan(newId);
    expect(thread.text).toContain(
      `1 new since your last visit · <a href="#comment-${newId}" data-jump-new>Jump to first new</a>`,
    );
    expect(thread.text).toContain(`id="comment-${newId}"`);

    const after = await me.get('/').expect(200);
    expect(itemOf(after.text, 'what-comes-next')).not.toContain('question-list__new');
    const again = await me.get('/questions/what-comes-next').expect(200);
    expect(again.text).toContain(`data-last-seen="${newId}"`);
    expect(again.text).not.toContain('data-jump-new');
  });

  it('does not count my own answers as new', async () => {
    await answer(me, 'what-comes-next', { author: 'Me' });
    expect(itemOf((await me.get('/')).text, 'what-comes-next')).not.toContain('question-list__new');
    const thread = await me.get('/questions/what-comes-next').expect(200);
    expect(thread.text).not.toContain('data-jump-new');
  });

  it('forgets readers not seen for 90 days', async () => {
    await answer(forum.browser(), 'what-comes-next', { author: 'Chen' });
    expect(itemOf((await me.get('/')).text, 'what-comes-next')).toContain('1 new');
    await forum.db
      .updateTable('reader_marks')
      .set({ seen_at: new Date(Date.now() - 91 * 24 * 3600 * 1000) })
      .execute();
    expect(await createVisits(forum.db).forgetOld()).toBeGreaterThan(0);
    expect(itemOf((await me.get('/')).text, 'what-comes-next')).not.toContain('question-list__new');
  });
});

describe('paging', () => {
  it('pages the front page by posts and the list by questions', async () => {
    for (let n = 1; n <= 11; n += 1) await addPost(`filler-${n}`, `Filler post ${n}`, null, [`Filler question ${n}?`]);
    const first = await forum.browser().get('/').expect(200);
    expect(first.text).toContain('<nav class="pagination" aria-label="Pages of posts">');
    expect(first.text).toContain('href="/?page=2"');
    const second = await forum.browser().get('/?page=2').expect(200);
    expect(second.text).toContain('<h1>Posts, page 2</h1>');
    expect(second.text).toContain('href="/posts/filler-1"');
    expect(second.text).not.toContain('href="/posts/filler-11"');
    await forum.browser().get('/?page=3').expect(404);

    for (let n = 12; n <= 30; n += 1) await addPost(`filler-${n}`, `Filler post ${n}`, null, [`Filler question ${n}?`]);
    const list = await forum.browser().get('/questions?sort=newest').expect(200);
    expect(slugsIn(list.text)).toHaveLength(30);
    expect(list.text).toContain('href="/questions?sort=newest&amp;page=2"');
    const next = await forum.browser().get('/questions?sort=newest&page=2').expect(200);
    expect(slugsIn(next.text)).toHaveLength(42 - 30);
  });
});
