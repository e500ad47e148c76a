import { sql } from 'kysely';
import type { DB } from '../db/database.js';
import type { NewQuestionRow, QuestionRow, QuestionTable } from './question.table.js';

/**
 * The columns a question is read with: all of them but the search vector, which only
 * search reads (PGlite would decode it on every post's lookup of its question). A
 * record, so that a column added to the table must be added here.
 */
const columns: Record<keyof QuestionTable, true> = {
  id: true,
  post_id: true,
  slug: true,
  position: true,
  wording: true,
  quote: true,
  quote_start: true,
  passage: true,
  kind: true,
  closed_at: true,
  status: true,
  summary_source: true,
  summary_html: true,
  summary_updated_at: true,
  created_at: true,
  updated_at: true,
  answer_count: true,
  last_answer_id: true,
  last_answer_at: true,
};
export const QUESTION_COLUMNS = Object.keys(columns) as (keyof QuestionTable)[];
/** The same, of a query's questions named `q`. */
export const Q_COLUMNS = QUESTION_COLUMNS.map((column) => `q.${column}` as const);

/** Every question row carries its answer count now (kept by triggers); the name stays for callers. */
export type QuestionWithCount = QuestionRow;

export function findQuestionBySlug(db: DB, slug: string): Promise<QuestionRow | undefined> {
  return db.selectFrom('questions').select(QUESTION_COLUMNS).where('slug', '=', slug).executeTakeFirst();
}

export function findQuestionById(db: DB, id: number): Promise<QuestionRow | undefined> {
  return db.selectFrom('questions').select(QUESTION_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** Questions with their approved-answer counts; of one post, or of all posts in order. */
export function listQuestionsWithCounts(db: DB, postId?: number): Promise<QuestionWithCount[]> {
  return questionsWithCountsQuery(db, postId).execute() as Promise<QuestionWithCount[]>;
}

/** listQuestionsWithCounts's query, unexecuted, so that a test can check its plan (it reads no comments). */
export function questionsWithCountsQuery(db: DB, postId?: number) {
  const query = db
    .selectFrom('questions as q')
    .select(Q_COLUMNS)
    // A post's discussion is reached from its post, not listed among its questions.
    .where('q.kind', '=', 'question')
    .orderBy('q.post_id')
    .orderBy('q.position');
  return postId === undefined ? query : query.where('q.post_id', '=', postId);
}

/** A question's published answers: the count its row keeps (triggers on comments keep it). */
export async function countApproved(db: DB, questionId: number): Promise<number> {
  const row = await db.selectFrom('questions').select('answer_count').where('id', '=', questionId).executeTakeFirst();
  return row?.answer_count ?? 0;
}

export function lockQuestion(db: DB, id: number): Promise<QuestionRow | undefined> {
  return db.selectFrom('questions').select(QUESTION_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateQuestionText(db: DB, id: number, text: { wording: string; passage: string }) {
  await db
    .updateTable('questions')
    .set({ ...text, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function setQuestionClosed(db: DB, id: number, closedAt: Date | null) {
  await db.updateTable('questions').set({ closed_at: closedAt, updated_at: new Date() }).where('id', '=', id).execute();
}

export async function nextPosition(db: DB, postId: number): Promise<number> {
  const row = await db
    .selectFrom('questions')
    .select(sql<number>`coalesce(max(position), -1)::int + 1`.as('next'))
    .where('post_id', '=', postId)
    .executeTakeFirstOrThrow();
  return row.next;
}

export function insertQuestion(db: DB, row: NewQuestionRow): Promise<QuestionRow> {
  return db.insertInto('questions').values(row).returning(QUESTION_COLUMNS).executeTakeFirstOrThrow();
}

/** Slugs of questions by id: live events name the question they belong to. */
export async function questionSlugs(db: DB, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('questions').select(['id', 'slug']).where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, row.slug]));
}
