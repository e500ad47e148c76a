import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeThread } from '../../src/comments/fake-thread.js';
import { seedFakeThread } from '../../src/comments/seed-fake-thread.js';
import { startTestForum, type TestForum } from '../support/forum.js';

let forum: TestForum;
beforeAll(async () => {
  forum = await startTestForum();
});
afterAll(() => forum.close());

const slug = 'how-useful-can-it-be';
const COUNT = 300;
const DEPTH = 4;

describe('fakeThread', () => {
  const end = new Date('2026-11-26T12:00:00Z');

  it('gives the same thread for the same seed', () => {
    const once = [...fakeThread({ count: 50, seed: 7, end })];
    expect([...fakeThread({ count: 50, seed: 7, end })]).toEqual(once);
    expect([...fakeThread({ count: 50, seed: 8, end })]).not.toEqual(once);
  });

  it('answers only earlier comments, in time order, with a mix of threads, replies and markup', () => {
    const thread = [...fakeThread({ count: 1_000, seed: 1, end })];
    thread.forEach((comment, index) => {
      if (comment.replyTo !== null) expect(comment.replyTo).toBeLessThan(index);
    });
    const times = thread.map((comment) => comment.createdAt.getTime());
    expect(times).toEqual([...new Set(times)].sort((a, b) => a - b));
    expect(thread.at(-1)?.createdAt.getTime()).toBeLessThanOrEqual(end.getTime());
    const share = (test: (body: string) => boolean) => thread.filter((c) => test(c.body)).length / thread.length;
    expect(thread.filter((c) => c.replyTo === null).length / thread.length).toBeGreaterThan(0.2);
    for (const tag of [/<em>|<strong>/, /<a href=/, /<blockquote>/, /\n\n/]) {
      expect(share((body) => tag.test(body))).toBeGreaterThan(0.02);
    }
    expect(new Set(thread.map((c) => c.author)).size).toBeGreaterThan(100);
    const lengths = thread.map((c) => c.body.length).sort((a, b) => a - b);
    expect(lengths.at(-1)).toBeGreaterThan(5 * (lengths[0] as number));
  });
});

describe('seedFakeThread', () => {
  let questionId: number;
  beforeAll(async () => {
    const question = await forum.db
      .selectFrom('questions')
      .select('id')
      .where('slug', '=', slug)
      .executeTakeFirstOrThrow();
    questionId = question.id;
    await seedFakeThread(forum.db, questionId, { count: COUNT, maxDepth: DEPTH });
  });

  it('stores every comment, approved, under the depth cap, and deep enough to reach it', async () => {
    const rows = await forum.db
      .selectFrom('comments')
      .select(['status', 'depth'])
      .where('question_id', '=', questionId)
      .execute();
    expect(rows).toHaveLength(COUNT);
    expect(rows.every((row) => row.status === 'approved')).toBe(true);
    expect(Math.max(...rows.map((row) => row.depth))).toBe(DEPTH - 1);
  });

  it('places every reply under a parent of the same question, as real replies are placed', async () => {
    const rows = await forum.db
      .selectFrom('comments as c')
      .leftJoin('comments as p', 'p.id', 'c.parent_id')
      .select([
        'c.id',
        'c.parent_id',
        'c.root_id',
        'c.depth',
        'c.path',
        'p.question_id as parent_question',
        'p.path as parent_path',
      ])
      .where('c.question_id', '=', questionId)
      .execute();
    const replies = rows.filter((row) => row.parent_id !== null);
    expect(replies.length).toBeGreaterThan(COUNT / 2);
    for (const row of rows) {
      const segments = row.path.split('.');
      expect(segments).toHaveLength(row.depth + 1);
      expect(Number(segments[0])).toBe(row.root_id);
      expect(Number(segments.at(-1))).toBe(row.id);
      if (row.parent_id === null) continue;
      expect(row.parent_question).toBe(questionId);
      expect(row.path.startsWith(`${row.parent_path}.`)).toBe(true);
    }
  });

  it('renders the question page with the thread', async () => {
    const page = await forum.browser().get(`/questions/${slug}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`${COUNT} answers`);
    const shown = page.text.match(/id="comment-\d+"/g) ?? [];
    expect(shown.length).toBeGreaterThan(50);
  });
});
