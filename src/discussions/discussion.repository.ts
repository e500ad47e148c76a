import type { DB } from '../db/database.js';
import { QUESTION_COLUMNS } from '../questions/question.repository.js';

/** A post's discussion: the question row of kind 'discussion' that holds its comments. */
export function findDiscussion(db: DB, postId: number) {
  return db
    .selectFrom('questions')
    .select(QUESTION_COLUMNS)
    .where('post_id', '=', postId)
    .where('kind', '=', 'discussion')
    .executeTakeFirst();
}
