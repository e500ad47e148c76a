import type { DB } from '../db/database.js';
import { insertEvents } from '../events/event-log.repository.js';
import type { NewQuestionRow } from '../questions/question.table.js';
import type { NewPostRow, PostRow } from './post.table.js';

export function findPostBySlug(db: DB, slug: string): Promise<PostRow | undefined> {
  return db.selectFrom('posts').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function findPostById(db: DB, id: number): Promise<PostRow | undefined> {
  return db.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The front page's post: the one imported first. */
export function findFirstPost(db: DB): Promise<PostRow | undefined> {
  return db.selectFrom('posts').selectAll().orderBy('id').limit(1).executeTakeFirst();
}

export function listPosts(db: DB): Promise<Pick<PostRow, 'id' | 'slug' | 'title'>[]> {
  return db.selectFrom('posts').select(['id', 'slug', 'title']).orderBy('id').execute();
}

export async function takenQuestionSlugs(db: DB): Promise<Set<string>> {
  const rows = await db.selectFrom('questions').select('slug').execute();
  return new Set(rows.map((row) => row.slug));
}

/**
 * Stores a post and its questions in one transaction. Returns undefined when a post
 * with the same slug is already there, so importing twice changes nothing.
 */
export function insertPostWithQuestions(
  db: DB,
  post: NewPostRow,
  questions: Omit<NewQuestionRow, 'post_id'>[],
): Promise<number | undefined> {
  return db.transaction().execute(async (tx) => {
    const inserted = await tx
      .insertInto('posts')
      .values(post)
      .onConflict((oc) => oc.column('slug').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return undefined;
    if (questions.length > 0) {
      const added = await tx
        .insertInto('questions')
        .values(questions.map((question) => ({ ...question, post_id: inserted.id })))
        .returning('id')
        .execute();
      await insertEvents(
        tx,
        added.map((question) => ({ type: 'question.added', questionId: question.id })),
      );
    }
    return inserted.id;
  });
}
