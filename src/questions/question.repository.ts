import { sql } from 'kysely';
import type { DB } from '../db/database.js';
import type { QuestionRow } from './question.table.js';

export type QuestionWithCount = QuestionRow & { answer_count: number };

export function findQuestionBySlug(db: DB, slug: string): Promise<QuestionRow | undefined> {
  return db.selectFrom('questions').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function findQuestionById(db: DB, id: number): Promise<QuestionRow | undefined> {
  return db.selectFrom('questions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Questions with their approved-answer counts; of one post, or of all posts in order. */
export function listQuestionsWithCounts(db: DB, postId?: number): Promise<QuestionWithCount[]> {
  let query = db
    .selectFrom('questions as q')
    .selectAll('q')
    .select((eb) =>
      eb
        .selectFrom('comments as c')
        .whereRef('c.question_id', '=', 'q.id')
        .where('c.status', '=', 'approved')
        .select(sql<number>`count(*)::int`.as('n'))
        .as('answer_count'),
    )
    .orderBy('q.post_id')
    .orderBy('q.position');
  if (postId !== undefined) query = query.where('q.post_id', '=', postId);
  return query.execute() as Promise<QuestionWithCount[]>;
}
