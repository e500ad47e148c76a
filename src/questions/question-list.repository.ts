import { sql } from 'kysely';
import type { DB } from '../db/database.js';
import { Q_COLUMNS } from './question.repository.js';
import type { QuestionRow } from './question.table.js';

/** How GET /questions orders: by the last answer (default), newest question, most answers. */
export const questionSorts = ['active', 'newest', 'answers'] as const;
export type QuestionSort = (typeof questionSorts)[number];

export interface QuestionListFilter {
  sort: QuestionSort;
  postId?: number;
  /** Only where questions have statuses (issue 14); elsewhere no question has one. */
  status?: string;
}

export type ListedQuestionRow = QuestionRow & { post_slug: string; post_title: string };

/**
 * Whether the questions table has a `status` column yet (conclusions, issue 14, adds
 * it): asked once per database handle, since a migration adds it before the app starts.
 */
const statusColumns = new WeakMap<DB, Promise<boolean>>();
export function hasQuestionStatus(db: DB): Promise<boolean> {
  let known = statusColumns.get(db);
  if (!known) {
    known = sql<{ found: boolean }>`
      select exists (
        select 1 from information_schema.columns
        where table_schema = current_schema() and table_name = 'questions' and column_name = 'status'
      ) as found`
      .execute(db)
      .then(({ rows }) => rows[0]?.found === true);
    statusColumns.set(db, known);
  }
  return known;
}

/** One page of questions across posts, each with its post. Every order has its index. */
export function questionListQuery(
  db: DB,
  filter: QuestionListFilter & { statusColumn: boolean },
  page: { limit: number; offset: number },
) {
  let query = filtered(db, filter)
    .innerJoin('posts as p', 'p.id', 'q.post_id')
    .select(Q_COLUMNS)
    .select(['p.slug as post_slug', 'p.title as post_title']);
  if (filter.sort === 'active') query = query.orderBy(sql`coalesce(q.last_answer_at, q.created_at)`, 'desc');
  else if (filter.sort === 'answers') query = query.orderBy('q.answer_count', 'desc');
  return query.orderBy('q.id', 'desc').limit(page.limit).offset(page.offset);
}

export function listQuestionPage(
  db: DB,
  filter: QuestionListFilter & { statusColumn: boolean },
  page: { limit: number; offset: number },
): Promise<ListedQuestionRow[]> {
  return questionListQuery(db, filter, page).execute() as Promise<ListedQuestionRow[]>;
}

export async function countQuestions(db: DB, filter: QuestionListFilter & { statusColumn: boolean }): Promise<number> {
  const row = await filtered(db, filter).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return row.n;
}

function filtered(db: DB, filter: QuestionListFilter & { statusColumn: boolean }) {
  let query = db.selectFrom('questions as q');
  if (filter.postId !== undefined) query = query.where('q.post_id', '=', filter.postId);
  if (filter.status !== undefined) {
    query = filter.statusColumn
      ? query.where(sql.ref('q.status'), '=', filter.status)
      : query.where(sql<boolean>`false`);
  }
  return query;
}
