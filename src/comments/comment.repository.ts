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

export interface ThreadCounts {
  /** Top-level approved comments: what pages are counted in. */
  rootCount: number;
  answerCount: number;
  /** The newest approved id: where a live client's catch-up starts. */
  latestId: number;
}

/**
 * One page of a thread in one query: the page's top-level comments (oldest first)
 * with every approved reply under them, in display order, plus the counts for paging.
 */
export async function listThreadPage(
  db: DB,
  questionId: number,
  page: { limit: number; offset: number },
): Promise<{ rows: PublicCommentRow[] } & ThreadCounts> {
  const rows = await threadPageQuery(db, questionId, page).execute();
  // Past the last page (or on an empty thread) the counts still matter, for paging.
  const counts = rows[0] ?? (await db.selectNoFrom(() => countColumns(db, questionId)).executeTakeFirstOrThrow());
  return {
    rows,
    rootCount: counts.root_count ?? 0,
    answerCount: counts.answer_count ?? 0,
    latestId: counts.latest_id ?? 0,
  };
}

/** listThreadPage's query, unexecuted, so that a test can check its plan. */
export function threadPageQuery(db: DB, questionId: number, page: { limit: number; offset: number }) {
  return db
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
    .select(() => countColumns(db, questionId))
    .where('c.question_id', '=', questionId)
    .where('c.status', '=', 'approved')
    .where('c.root_id', 'in', (eb) => eb.selectFrom('roots').select('roots.id'))
    .orderBy('c.path');
}

function countColumns(db: DB, questionId: number) {
  const approved = () =>
    db.selectFrom('comments').where('question_id', '=', questionId).where('status', '=', 'approved');
  return [
    approved().where('parent_id', 'is', null).select(sql<number>`count(*)::int`.as('n')).as('root_count'),
    approved().select(sql<number>`count(*)::int`.as('n')).as('answer_count'),
    approved().select(sql<number>`coalesce(max(id), 0)`.as('n')).as('latest_id'),
  ];
}

/**
 * Every comment this browser wrote on a question, in display order: its own are marked
 * as the reader's, and its held ones are shown to it alone.
 */
export function listVisitorComments(db: DB, questionId: number, visitorId: string): Promise<PublicCommentRow[]> {
  return db
    .selectFrom('comments')
    .select(PUBLIC_COLUMNS)
    .where('visitor_id', '=', visitorId)
    .where('question_id', '=', questionId)
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
  return approvedAfterQuery(db, questionId, afterId, limit).execute();
}

/** listApprovedAfter's query, unexecuted, so that a test can check its plan. */
export function approvedAfterQuery(db: DB, questionId: number, afterId: number, limit: number) {
  return db
    .selectFrom('comments')
    .select(PUBLIC_COLUMNS)
    .where('question_id', '=', questionId)
    .where('status', '=', 'approved')
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit);
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

/** `count` new comment ids in ascending order, for storing comments in bulk. */
export async function nextCommentIds(db: Kysely<Database>, count: number): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`select nextval(pg_get_serial_sequence('comments', 'id'))::int as id
    from generate_series(1, ${count}::int) order by id`.execute(db);
  return rows.map((row) => row.id);
}

/** Many comments in one statement; a reply may come in the same statement as its parent. */
export async function insertComments(db: Kysely<Database>, rows: readonly (NewCommentRow & { id: number })[]) {
  if (rows.length > 0) await db.insertInto('comments').values(rows).execute();
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
