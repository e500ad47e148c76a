import { sql } from 'kysely';
import type { DB } from '../db/database.js';
import type { Marks } from './reader-marks.table.js';

export async function findMarks(db: DB, visitorId: string): Promise<{ marks: Marks; seenAt: Date } | undefined> {
  const row = await db
    .selectFrom('reader_marks')
    .select(['marks', 'seen_at'])
    .where('visitor_id', '=', visitorId)
    .executeTakeFirst();
  return row && { marks: row.marks, seenAt: row.seen_at };
}

export async function saveMarks(db: DB, visitorId: string, marks: Marks, now = new Date()): Promise<void> {
  const json = JSON.stringify(marks);
  await db
    .insertInto('reader_marks')
    .values({ visitor_id: visitorId, marks: json, seen_at: now })
    .onConflict((oc) => oc.column('visitor_id').doUpdateSet({ marks: json, seen_at: now }))
    .execute();
}

/** Forgets readers not seen since `before`; returns how many. */
export async function pruneMarks(db: DB, before: Date): Promise<number> {
  const result = await db.deleteFrom('reader_marks').where('seen_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface NewAnswers {
  questionId: number;
  count: number;
  firstId: number;
}

/**
 * newAnswersQuery's rows: approved answers after each mark, counted in one query for a
 * whole page. The reader's own answers are not news to them.
 */
export async function countNewAnswers(
  db: DB,
  seen: readonly { questionId: number; after: number }[],
  visitorId?: string,
): Promise<NewAnswers[]> {
  if (seen.length === 0) return [];
  return newAnswersQuery(db, seen, visitorId).execute();
}

/**
 * countNewAnswers's query, unexecuted, so that a test can check its plan. One index range
 * scan per question (question_id, status, id > mark) from arrays: a plan made once,
 * however many questions a page lists (an OR per question took the planner ~1 ms each).
 */
export function newAnswersQuery(db: DB, seen: readonly { questionId: number; after: number }[], visitorId?: string) {
  const ids = seen.map((s) => s.questionId);
  const afters = seen.map((s) => s.after);
  const notMine = visitorId === undefined ? sql`true` : sql`(c.visitor_id is null or c.visitor_id <> ${visitorId})`;
  const query = sql<NewAnswers>`
    select s.question_id as "questionId", n.count, n.first_id as "firstId"
    from unnest(${ids}::int[], ${afters}::int[]) as s(question_id, after)
    cross join lateral (
      select count(*)::int as count, min(c.id) as first_id
      from comments c
      where c.question_id = s.question_id and c.status = 'approved' and c.id > s.after and ${notMine}
    ) n
    where n.count > 0`;
  return {
    compile: () => query.compile(db),
    execute: async () => (await query.execute(db)).rows,
  };
}
