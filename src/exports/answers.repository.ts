import type { DB } from '../db/database.js';

/** A question's published comments in the order they were written; nothing private. */
export function listPublishedAnswers(db: DB, questionId: number) {
  return db
    .selectFrom('comments')
    .select(['id', 'parent_id', 'author', 'created_at', 'body_html'])
    .where('question_id', '=', questionId)
    .where('status', '=', 'approved')
    .orderBy('id')
    .execute();
}
