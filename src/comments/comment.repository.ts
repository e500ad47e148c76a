import { type Kysely, sql } from 'kysely';
import type { Database, DB } from '../db/database.js';
import type { CommentRow, NewCommentRow } from './comment.table.js';

/** The columns a page or the API shows; never the email, IP or visitor id. */
export const PUBLIC_COLUMNS = [
  'id',
  'question_id',
  'parent_id',
  'in_reply_to_id',
  'root_id',
  'depth',
  'path',
  'status',
  'author',
  'url',
  'body_html',
  'created_at',
  'updated_at',
  'moderator_id',
  'highlighted',
] as const;

export type PublicCommentRow = Pick<CommentRow, (typeof PUBLIC_COLUMNS)[number]>;

/**
 * One page of a thread in one query: the page's top-level comments (oldest first)
 * with every approved reply under them, in display order, plus the number of
 * top-level comments for paging.
 */
export async function listThreadPage(
  db: DB,
  questionId: number,
  page: { limit: number; offset: number },
): Promise<{ rows: PublicCommentRow[]; rootCount: number; answerCount: number }> {
  const rows = await db
    .with('roots', (w) =>
      w
        .selectFrom('comments')
        .select('id')
        .where('question_id', '=', questionId)
        .where('status', '=', 'approved')
        .where('parent_id', 'is', null)
        .orderBy('id')
        .limit(page.limit)
        .offset(page.offset),
    )
    .selectFrom('comments as c')
    .select(PUBLIC_COLUMNS.map((column) => `c.${column}` as const))
    .select(() => [
      rootCountQuery(db, questionId).as('root_count'),
      answerCountQuery(db, questionId).as('answer_count'),
    ])
    .where('c.question_id', '=', questionId)
    .where('c.status', '=', 'approved')
    .where('c.root_id', 'in', (eb) => eb.selectFrom('roots').select('roots.id'))
    .orderBy('c.path')
    .execute();
  const first = rows[0];
  if (first) return { rows, rootCount: first.root_count ?? 0, answerCount: first.answer_count ?? 0 };
  // Past the last page (or an empty thread) the counts still matter, for paging.
  const counts = await db
    .selectNoFrom(() => [rootCountQuery(db, questionId).as('roots'), answerCountQuery(db, questionId).as('answers')])
    .executeTakeFirstOrThrow();
  return { rows: [], rootCount: counts.roots ?? 0, answerCount: counts.answers ?? 0 };
}

function answerCountQuery(db: DB, questionId: number) {
  return db
    .selectFrom('comments')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('question_id', '=', questionId)
    .where('status', '=', 'approved');
}

function rootCountQuery(db: DB, questionId: number) {
  return db
    .selectFrom('comments')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('question_id', '=', questionId)
    .where('status', '=', 'approved')
    .where('parent_id', 'is', null);
}

/** Ids of the comments this browser wrote on a question, to mark them as the reader's. */
export async function listVisitorCommentIds(db: DB, questionId: number, visitorId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('comments')
    .select('id')
    .where('visitor_id', '=', visitorId)
    .where('question_id', '=', questionId)
    .execute();
  return rows.map((row) => row.id);
}

/** A browser's own held comments on a question: shown to it alone. */
export function listVisitorPending(db: DB, questionId: number, visitorId: string): Promise<PublicCommentRow[]> {
  return db
    .selectFrom('comments')
    .select(PUBLIC_COLUMNS)
    .where('question_id', '=', questionId)
    .where('visitor_id', '=', visitorId)
    .where('status', '=', 'pending')
    .orderBy('path')
    .execute();
}

/** Approved comments newer than `afterId`, in id order: the catch-up after a gap. */
export function listApprovedAfter(
  db: DB,
  questionId: number,
  afterId: number,
  limit: number,
): Promise<PublicCommentRow[]> {
  return db
    .selectFrom('comments')
    .select(PUBLIC_COLUMNS)
    .where('question_id', '=', questionId)
    .where('status', '=', 'approved')
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export function findComment(
  db: DB,
  id: number,
): Promise<(PublicCommentRow & Pick<CommentRow, 'visitor_id'>) | undefined> {
  return db
    .selectFrom('comments')
    .select([...PUBLIC_COLUMNS, 'visitor_id'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function nextCommentId(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{
    id: number;
  }>`select nextval(pg_get_serial_sequence('comments', 'id'))::int as id`.execute(db);
  return (rows[0] as { id: number }).id;
}

export async function insertComment(
  db: Kysely<Database>,
  row: NewCommentRow & { id: number },
): Promise<PublicCommentRow> {
  return db.insertInto('comments').values(row).returning(PUBLIC_COLUMNS).executeTakeFirstOrThrow();
}

/** The newest approved comments across the forum, with their question: the RSS feed. */
export function listLatestApproved(db: DB, limit: number) {
  return db
    .selectFrom('comments as c')
    .innerJoin('questions as q', 'q.id', 'c.question_id')
    .select(['c.id', 'c.author', 'c.body_html', 'c.created_at', 'q.slug', 'q.wording'])
    .where('c.status', '=', 'approved')
    .orderBy('c.id', 'desc')
    .limit(limit)
    .execute();
}

/** When the newest comment from this IP or email address was written: the flood rule. */
export async function newestCommentAt(db: DB, ip: string | null, email: string): Promise<Date | null> {
  const row = await db
    .selectFrom('comments')
    .select(sql<Date | null>`max(created_at)`.as('at'))
    .where((eb) => {
      const sameEmail = eb(sql`lower(email)`, '=', email.toLowerCase());
      return ip === null ? sameEmail : eb.or([eb('ip', '=', ip), sameEmail]);
    })
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : null;
}

/** The same words from the same person (name or email) on the same question, not binned. */
export async function hasDuplicateComment(
  db: DB,
  questionId: number,
  submission: { author: string; email: string; body: string },
): Promise<boolean> {
  const row = await db
    .selectFrom('comments')
    .select('id')
    .where('question_id', '=', questionId)
    .where('body_source', '=', submission.body)
    .where('status', '!=', 'trash')
    .where((eb) =>
      eb.or([eb('author', '=', submission.author), eb(sql`lower(email)`, '=', submission.email.toLowerCase())]),
    )
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function hasApprovedCommentFrom(db: DB, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('comments')
    .select('id')
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .where('status', '=', 'approved')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The answers a moderator highlighted on a question, oldest first. */
export function listHighlighted(db: DB, questionId: number): Promise<PublicCommentRow[]> {
  return db
    .selectFrom('comments')
    .select(PUBLIC_COLUMNS)
    .where('question_id', '=', questionId)
    .where('highlighted', '=', true)
    .where('status', '=', 'approved')
    .orderBy('id')
    .execute();
}
