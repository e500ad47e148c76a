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
  'removal_reason',
] as const;

export type PublicCommentRow = Pick<CommentRow, (typeof PUBLIC_COLUMNS)[number]>;

export interface ThreadCounts {
  answerCount: number;
  /** The newest approved id: where a live client's catch-up starts. */
  latestId: number;
}

export interface ThreadPageRows extends ThreadCounts {
  /** The page's approved comments, in display order. */
  rows: PublicCommentRow[];
  /**
   * The approved comments the page's first one sits under, when the page begins inside
   * a conversation that started on an earlier page: shown again, so it reads in place.
   */
  earlier: PublicCommentRow[];
  /** Where the next page begins (its first comment's path); null on the last page. */
  nextPath: string | null;
}

/**
 * One page of a thread in one query. A page is `limit` approved comments in display
 * order (by materialised path) from `offset` on, whatever their depth, so a page's size
 * is bounded however a thread grows. The query also returns the comment after the page
 * (where the next one begins), the approved ancestors of the page's first comment, and
 * the counts for paging.
 */
export async function listThreadPage(
  db: DB,
  questionId: number,
  page: { limit: number; offset: number },
): Promise<ThreadPageRows> {
  const found = await threadPageQuery(db, questionId, page).execute();
  // Past the last page (or on an empty thread) the counts still matter, for paging.
  const counts = found[0] ?? (await db.selectNoFrom(() => countColumns(db, questionId)).executeTakeFirstOrThrow());
  const inPage = found.filter((row) => !row.earlier).map(publicRow);
  return {
    rows: inPage.slice(0, page.limit),
    earlier: found.filter((row) => row.earlier).map(publicRow),
    nextPath: inPage[page.limit]?.path ?? null,
    answerCount: counts.answer_count ?? 0,
    latestId: counts.latest_id ?? 0,
  };
}

/** A row of the page query without the flag and counts it carries alongside the comment. */
function publicRow({ earlier, answer_count, latest_id, ...row }: PageQueryRow): PublicCommentRow {
  return row;
}

type PageQueryRow = Awaited<ReturnType<ReturnType<typeof threadPageQuery>['execute']>>[number];

/** listThreadPage's query, unexecuted, so that a test can check its plan. */
export function threadPageQuery(db: DB, questionId: number, page: { limit: number; offset: number }) {
  // Display order is (root_id, path), the order of the comments_thread index, so the
  // page's start is found in the index and the page read from there on.
  return db
    .with('start', (w) =>
      w
        .selectFrom('comments')
        .select(['root_id', 'path'])
        .where('question_id', '=', questionId)
        .where('status', '=', 'approved')
        .orderBy('root_id')
        .orderBy('path')
        .limit(1)
        .offset(page.offset),
    )
    .with('slice', (w) =>
      w
        .selectFrom('comments as c')
        .select(PUBLIC_COLUMNS.map((column) => `c.${column}` as const))
        .select(sql<boolean>`false`.as('earlier'))
        .where('c.question_id', '=', questionId)
        .where('c.status', '=', 'approved')
        // Compared with values (not joined), so that the index range starts there.
        .where(sql`(c.root_id, c.path)`, '>=', sql`((select root_id from start), (select path from start))`)
        .orderBy('c.root_id')
        .orderBy('c.path')
        // One more than the page: where the next page begins.
        .limit(page.limit + 1),
    )
    .with('ancestors', (w) =>
      w
        .selectFrom(['comments as c', 'start'])
        .select(PUBLIC_COLUMNS.map((column) => `c.${column}` as const))
        .select(sql<boolean>`true`.as('earlier'))
        .where('c.id', '=', sql<number>`any(string_to_array(start.path, '.')::int[])`)
        .whereRef('c.path', '<', 'start.path')
        .where('c.status', '=', 'approved'),
    )
    .selectFrom((eb) => eb.selectFrom('slice').selectAll().unionAll(eb.selectFrom('ancestors').selectAll()).as('t'))
    .selectAll('t')
    .select(() => countColumns(db, questionId))
    .orderBy('t.path');
}

/**
 * How many approved comments come before this place in the thread's display order:
 * what tells which page a comment is on.
 */
export async function countApprovedBefore(
  db: DB,
  questionId: number,
  place: { rootId: number; path: string },
): Promise<number> {
  return (await approvedBeforeQuery(db, questionId, place).executeTakeFirstOrThrow()).n;
}

/** countApprovedBefore's query, unexecuted, so that a test can check its plan. */
export function approvedBeforeQuery(db: DB, questionId: number, place: { rootId: number; path: string }) {
  return db
    .selectFrom('comments')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('question_id', '=', questionId)
    .where('status', '=', 'approved')
    .where(sql`(root_id, path)`, '<', sql`(${place.rootId}, ${place.path})`);
}

function countColumns(db: DB, questionId: number) {
  const approved = () =>
    db.selectFrom('comments').where('question_id', '=', questionId).where('status', '=', 'approved');
  return [
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
/** The newest public answers, forum-wide or on one question (the feeds). */
export function listLatestApproved(db: DB, limit: number, questionId?: number) {
  let query = db
    .selectFrom('comments as c')
    .innerJoin('questions as q', 'q.id', 'c.question_id')
    .select(['c.id', 'c.author', 'c.body_html', 'c.created_at', 'q.slug', 'q.wording', 'q.status'])
    .where('c.status', '=', 'approved');
  if (questionId !== undefined) query = query.where('c.question_id', '=', questionId);
  return query.orderBy('c.id', 'desc').limit(limit).execute();
}

/** When the newest comment from this IP or email address was written: the flood rule. */
/**
 * Holds, until the transaction ends, a lock per key (an address, an email): posts
 * sharing one wait for each other, so each one's flood and duplicate checks see the
 * other's comment. Taken in one order, so two posts never wait on each other's locks.
 */
export async function lockPosters(tx: Kysely<Database>, keys: readonly string[]): Promise<void> {
  for (const key of [...new Set(keys)].sort()) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`oq:poster:${key}`}, 0))`.execute(tx);
  }
}

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

/** Comments by id, whatever their status (live events and catch-ups read the current state). */
export function listCommentsByIds(db: DB, ids: readonly number[]): Promise<PublicCommentRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('comments').select(PUBLIC_COLUMNS).where('id', 'in', ids).execute();
}

/**
 * Removed comments (trash or spam) among `ids`, as tombstones: their place in the tree
 * and the public reason, never their words or author. A thread shows these where a
 * published reply hangs from them, so replies keep their context.
 */
export function listTombstones(db: DB, ids: readonly number[]): Promise<PublicCommentRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('comments')
    .select([
      'id',
      'question_id',
      'parent_id',
      'in_reply_to_id',
      'root_id',
      'depth',
      'path',
      'status',
      'created_at',
      'updated_at',
      'removal_reason',
      sql<string>`''`.as('author'),
      sql<string | null>`null`.as('url'),
      sql<string>`''`.as('body_html'),
      sql<number | null>`null`.as('moderator_id'),
      sql<boolean>`false`.as('highlighted'),
    ])
    .where('id', 'in', ids)
    .where('status', 'in', ['trash', 'spam'])
    .execute();
}

/** Which of these comments have a published reply somewhere below them. */
export async function withPublishedReplies(db: DB, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('comments as c')
    .select('c.id')
    .where('c.id', 'in', ids)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('comments as r')
          .select(sql`1`.as('one'))
          .whereRef('r.root_id', '=', 'c.root_id')
          .where('r.path', 'like', sql<string>`c.path || '.%'`)
          .where('r.status', '=', 'approved'),
      ),
    )
    .execute();
  return new Set(rows.map((row) => row.id));
}
