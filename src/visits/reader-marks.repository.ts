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

/** countNewAnswers's query, unexecuted, so that a test can check its plan. */
export function newAnswersQuery(db: DB, seen: readonly { questionId: number; after: number }[], visitorId?: string) {
  const query = db
    .selectFrom('comments')
    .select(['question_id as questionId', sql<number>`count(*)::int`.as('count'), sql<number>`min(id)`.as('firstId')])
    .where('status', '=', 'approved')
    .where((eb) =>
      eb.or(seen.map(({ questionId, after }) => eb.and([eb('question_id', '=', questionId), eb('id', '>', after)]))),
    )
    .groupBy('question_id');
  return visitorId === undefined
    ? query
    : query.where((eb) => eb.or([eb('visitor_id', 'is', null), eb('visitor_id', '!=', visitorId)]));
}
