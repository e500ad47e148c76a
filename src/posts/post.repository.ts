import { sql } from 'kysely';
import type { DB } from '../db/database.js';
import { insertEvents } from '../events/event-log.repository.js';
import { QUESTION_COLUMNS } from '../questions/question.repository.js';
import type { NewQuestionRow, QuestionRow } from '../questions/question.table.js';
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

export type PostSummaryRow = Pick<PostRow, 'id' | 'slug' | 'title' | 'category' | 'published_on'>;

export async function countPosts(db: DB): Promise<number> {
  const row = await db.selectFrom('posts').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return row.n;
}

/** The front page's order: newest first by the date the post gives, then by import order. */
export function listPostsNewestFirst(db: DB, page: { limit: number; offset: number }): Promise<PostSummaryRow[]> {
  return db
    .selectFrom('posts')
    .select(['id', 'slug', 'title', 'category', 'published_on'])
    .orderBy(sql`published_on desc nulls last`)
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

/** The questions of several posts, each post's in their order in it. */
export function listQuestionsOfPosts(db: DB, postIds: readonly number[]): Promise<QuestionRow[]> {
  if (postIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('questions')
    .select(QUESTION_COLUMNS)
    .where('post_id', 'in', postIds)
    .orderBy('post_id')
    .orderBy('position')
    .execute();
}
