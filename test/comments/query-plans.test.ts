import { type Compilable, CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agreedPageQuery,
  approvedAfterQuery,
  approvedBeforeQuery,
  threadPageQuery,
} from '../../src/comments/comment.repository.js';
import { seedFakeThread } from '../../src/comments/seed-fake-thread.js';
import { threadOrders } from '../../src/comments/thread-order.js';
import { questionsWithCountsQuery } from '../../src/questions/question.repository.js';
import { questionListQuery, questionSorts } from '../../src/questions/question-list.repository.js';
import { newAnswersQuery } from '../../src/visits/reader-marks.repository.js';
import { createTestDatabase } from '../support/database.js';

/**
 * The queries behind the thread page, the front page and the catch-up must keep using
 * indexes as threads grow (issue 6): none may read the whole comments table. Checked
 * on the plans the database itself chooses for a 10,000-comment thread.
 */
const BIG_THREAD = 10_000;
/** Another, smaller thread, so that which question a comment belongs to matters to the planner. */
const SMALL_THREAD = 500;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let big: { id: number; postId: number };
let middleId: number;

beforeAll(async () => {
  database = await createTestDatabase();
  const questions = await database.db
    .selectFrom('questions')
    .select(['id', 'post_id'])
    .orderBy('id')
    .limit(2)
    .execute();
  const [first, second] = questions;
  if (!first || !second) throw new Error('The seed has fewer than two questions');
  big = { id: first.id, postId: first.post_id };
  await seedFakeThread(database.db, first.id, { count: BIG_THREAD, maxDepth: 5 });
  await seedFakeThread(database.db, second.id, { count: SMALL_THREAD, maxDepth: 5 });
  const middle = await database.db
    .selectFrom('comments')
    .select('id')
    .where('question_id', '=', big.id)
    .orderBy('id')
    .offset(BIG_THREAD / 2)
    .limit(1)
    .executeTakeFirstOrThrow();
  middleId = middle.id;
  // ANALYZE gives the planner statistics; VACUUM sets the visibility map that lets a count
  // read an index alone. On a server autovacuum does both after a bulk insert.
  await sql`vacuum analyze comments`.execute(database.db);
}, 120_000);
afterAll(() => database.close());

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

async function explain(query: Compilable, format: 'json' | 'text') {
  const { sql: text, parameters } = query.compile();
  const { rows } = await database.db.executeQuery<Record<string, unknown>>(
    CompiledQuery.raw(`explain (format ${format}) ${text}`, [...parameters]),
  );
  return rows.map((row) => row['QUERY PLAN']);
}

/** Every sequential scan of the comments table anywhere in the query's plan. */
async function seqScansOfComments(query: Compilable): Promise<{ found: PlanNode[]; plan: string }> {
  const [json] = await explain(query, 'json');
  const [root] = (typeof json === 'string' ? JSON.parse(json) : json) as { Plan: PlanNode }[];
  const found: PlanNode[] = [];
  const walk = (node: PlanNode) => {
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'comments') found.push(node);
    node.Plans?.forEach(walk);
  };
  if (root) walk(root.Plan);
  // The text plan, to read in the failure message.
  return { found, plan: (await explain(query, 'text')).join('\n') };
}

async function expectNoSeqScan(query: Compilable) {
  const { found, plan } = await seqScansOfComments(query);
  expect(found, `sequential scan of comments in:\n${plan}`).toEqual([]);
}

describe('query plans on a 10,000-comment thread', () => {
  it('the thread page reads its page of comments and its counts through indexes', async () => {
    await expectNoSeqScan(threadPageQuery(database.db, big.id, { limit: 100, offset: 0 }));
    await expectNoSeqScan(threadPageQuery(database.db, big.id, { limit: 100, offset: 5_000 }));
  });

  it('newest first reads the same index backwards, sorting only within a conversation', async () => {
    for (const offset of [0, 5_000]) {
      const query = threadPageQuery(database.db, big.id, { limit: 100, offset }, 'newest');
      await expectNoSeqScan(query);
      const plan = (await explain(query, 'text')).join('\n');
      // Never the whole thread sorted: each conversation put in path order as the index gives it.
      expect(plan, plan).toMatch(/Index (Only )?Scan Backward using comments_thread/);
      expect(plan, plan).toMatch(/Incremental Sort/);
    }
  });

  it('most agreed ranks the conversations from the index and reads only the page’s through it', async () => {
    await expectNoSeqScan(agreedPageQuery(database.db, big.id, { limit: 100, offset: 0 }));
    await expectNoSeqScan(agreedPageQuery(database.db, big.id, { limit: 100, offset: 5_000 }));
  });

  it('finding the page a comment is on counts through an index, in every order', async () => {
    const place = await database.db
      .selectFrom('comments')
      .select(['root_id as rootId', 'path'])
      .where('id', '=', middleId)
      .executeTakeFirstOrThrow();
    for (const order of threadOrders) await expectNoSeqScan(approvedBeforeQuery(database.db, big.id, place, order));
    await expectNoSeqScan(approvedBeforeQuery(database.db, big.id, place, 'oldest', 'end'));
    // Counted from either end, the same page.
    const counted = (near: 'start' | 'end') =>
      approvedBeforeQuery(database.db, big.id, place, 'oldest', near).executeTakeFirstOrThrow();
    expect((await counted('end')).n).toBe((await counted('start')).n);
  });

  it('the front page counts answers through an index', async () => {
    await expectNoSeqScan(questionsWithCountsQuery(database.db, big.postId));
    await expectNoSeqScan(questionsWithCountsQuery(database.db));
  });

  it('every question, in each order, reads counts and activity from the questions, not the comments', async () => {
    for (const sort of questionSorts) {
      const query = questionListQuery(database.db, { sort, statusColumn: false }, { limit: 30, offset: 0 });
      const { found, plan } = await seqScansOfComments(query);
      expect(found, plan).toEqual([]);
      expect(plan, 'the list reads no comments at all').not.toMatch(/comments/);
    }
  });

  it('"N new" for a page of questions counts through an index, one query for all of them', async () => {
    await expectNoSeqScan(
      newAnswersQuery(database.db, [
        { questionId: big.id, after: middleId },
        { questionId: big.id + 1, after: 0 },
      ]),
    );
  });

  it('the catch-up reads only what comes after the given id', async () => {
    await expectNoSeqScan(approvedAfterQuery(database.db, big.id, 0, 501));
    await expectNoSeqScan(approvedAfterQuery(database.db, big.id, middleId, 501));
  });

  it('would notice a sequential scan', async () => {
    const unindexed = database.db.selectFrom('comments').select('id').where('body_html', 'like', '%sovereignty%');
    const { found } = await seqScansOfComments(unindexed);
    expect(found).toHaveLength(1);
  });
});
