import { type Kysely, sql } from 'kysely';
import type { Database, DB } from '../db/database.js';
import type { CommentRow, NewCommentRow } from './comment.table.js';
import { DEFAULT_THREAD_ORDER, type ThreadOrder, type ThreadPlace } from './thread-order.js';

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
  /** Where the next page begins (its first comment's place); null on the last page. */
  next: ThreadPlace | null;
  /** In `agreed` order, the score of each conversation on the page (agree minus disagree on its top-level answer). */
  scores: Map<number, number>;
}

/**
 * One page of a thread in one query. A page is `limit` approved comments in display
 * order from `offset` on, whatever their depth, so a page's size is bounded however a
 * thread grows. The query also returns the comment after the page (where the next one
 * begins), the approved ancestors of the page's first comment, and the counts for paging.
 */
export async function listThreadPage(
  db: DB,
  questionId: number,
  page: { limit: number; offset: number },
  order: ThreadOrder = DEFAULT_THREAD_ORDER,
): Promise<ThreadPageRows> {
  const found: PageQueryRow[] =
    order === 'agreed'
      ? await agreedPageQuery(db, questionId, page).execute()
      : await threadPageQuery(db, questionId, page, order).execute();
  // Past the last page (or on an empty thread) the counts still matter, for paging.
  const counts = found[0] ?? (await db.selectNoFrom(() => countColumns(db, questionId)).executeTakeFirstOrThrow());
  const inPage = found.filter((row) => !row.earlier);
  const after = inPage[page.limit];
  return {
    rows: inPage.slice(0, page.limit).map(publicRow),
    earlier: found.filter((row) => row.earlier).map(publicRow),
    next: after ? { rootId: after.root_id, path: after.path } : null,
    scores: new Map(found.flatMap((row) => ('root_score' in row ? [[row.root_id, row.root_score] as const] : []))),
    answerCount: counts.answer_count ?? 0,
    latestId: counts.latest_id ?? 0,
  };
}

type PageQueryRow =
  | Awaited<ReturnType<ReturnType<typeof threadPageQuery>['execute']>>[number]
  | Awaited<ReturnType<ReturnType<typeof agreedPageQuery>['execute']>>[number];

/** A row of a page query without what it carries alongside the comment (flag, counts, score). */
function publicRow(row: PageQueryRow): PublicCommentRow {
  const { earlier, answer_count, latest_id, ...comment } = row;
  if ('root_score' in comment) {
    const { root_score, position, ...rest } = comment;
    return rest;
  }
  return comment;
}

/**
 * listThreadPage's query for `oldest` and `newest`, unexecuted, so that a test can check
 * its plan. Display order is (root_id, path), the order of the comments_thread index, or
 * (root_id descending, path): the same index read backwards, each conversation put in
 * path order as it is read. Either way the page's start is found in the index and the
 * page read from there on.
 */
export function threadPageQuery(
  db: DB,
  questionId: number,
  page: { limit: number; offset: number },
  order: 'oldest' | 'newest' = 'oldest',
) {
  const direction = order === 'newest' ? 'desc' : 'asc';
  return db
    .with('start', (w) =>
      w
        .selectFrom('comments')
        .select(['root_id', 'path'])
        .where('question_id', '=', questionId)
        .where('status', '=', 'approved')
        .orderBy('root_id', direction)
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
        .where((eb) =>
          order === 'newest'
            ? // The start's conversation from the start on, then the older ones.
              eb.and([
                eb('c.root_id', '<=', sql<number>`(select root_id from start)`),
                eb.or([
                  eb('c.root_id', '<', sql<number>`(select root_id from start)`),
                  eb('c.path', '>=', sql<string>`(select path from start)`),
                ]),
              ])
            : eb(sql`(c.root_id, c.path)`, '>=', sql`((select root_id from start), (select path from start))`),
        )
        .orderBy('c.root_id', direction)
        .orderBy('c.path')
        // One more than the page: where the next page begins.
        .limit(page.limit + 1),
    )
    .with('ancestors', () => pageAncestors(db))
    .selectFrom((eb) => eb.selectFrom('slice').selectAll().unionAll(eb.selectFrom('ancestors').selectAll()).as('t'))
    .selectAll('t')
    .select(() => countColumns(db, questionId))
    .orderBy('t.root_id', direction)
    .orderBy('t.path');
}

/**
 * The approved ancestors of the page's first comment (`start`): the earlier part of the
 * conversation the page begins inside, in any order.
 */
function pageAncestors(db: DB) {
  return db
    .withTables<{ start: { root_id: number; path: string } }>()
    .selectFrom(['comments as c', 'start'])
    .select(PUBLIC_COLUMNS.map((column) => `c.${column}` as const))
    .select(sql<boolean>`true`.as('earlier'))
    .where('c.id', '=', sql<number>`any(string_to_array(start.path, '.')::int[])`)
    .whereRef('c.path', '<', 'start.path')
    .where('c.status', '=', 'approved');
}

/** A conversation's score in `agreed` order: agree minus disagree on its top-level answer (none: 0). */
const CONVERSATION_SCORE = sql<number>`coalesce(v.agree - v.disagree, 0)::int`;

/**
 * Each conversation of the question with approved comments: its top-level answer's id,
 * how many approved comments it has, and its score. Read from the comments_thread index
 * alone (grouped as it is read), and the scores by the vote totals' key.
 */
function conversations(db: DB, questionId: number) {
  return db
    .selectFrom((eb) =>
      eb
        .selectFrom('comments')
        .select(['root_id', sql<number>`count(*)::int`.as('n')])
        .where('question_id', '=', questionId)
        .where('status', '=', 'approved')
        .groupBy('root_id')
        .as('s'),
    )
    .leftJoin('comment_vote_totals as v', 'v.comment_id', 's.root_id')
    .select(['s.root_id', 's.n', CONVERSATION_SCORE.as('score')]);
}

/** The score of each of these conversations (agree minus disagree on the top-level answer); none is 0. */
export async function conversationScores(db: DB, rootIds: readonly number[]): Promise<Map<number, number>> {
  const scores = new Map(rootIds.map((rootId) => [rootId, 0]));
  if (rootIds.length === 0) return scores;
  const rows = await db
    .selectFrom('comment_vote_totals as v')
    .select(['v.comment_id', CONVERSATION_SCORE.as('score')])
    .where('v.comment_id', 'in', [...new Set(rootIds)])
    .execute();
  for (const row of rows) scores.set(row.comment_id, row.score);
  return scores;
}

/**
 * listThreadPage's query for `agreed`, unexecuted, so that a test can check its plan. The
 * score lives beside the votes, not in the comments' index, so the conversations are
 * ranked first (one row each, with how many approved comments come before it), and only
 * those that reach into the page are read, each in path order.
 */
export function agreedPageQuery(db: DB, questionId: number, page: { limit: number; offset: number }) {
  // One more than the page: where the next page begins.
  const end = page.offset + page.limit + 1;
  return (
    db
      .with('ranked', () =>
        db
          .selectFrom(conversations(db, questionId).as('k'))
          .selectAll('k')
          .select(
            sql<number>`(sum(k.n) over (order by k.score desc, k.root_id rows unbounded preceding) - k.n)::int`.as(
              'before',
            ),
          ),
      )
      // The conversations that reach into the page: at most one per comment on it, a bound
      // that lets the planner read each one's comments through the index.
      .with('reaching', (w) =>
        w
          .selectFrom('ranked')
          .selectAll()
          .where('before', '<', end)
          .where(sql<number>`before + n`, '>', page.offset)
          .orderBy('before')
          .limit(page.limit + 1),
      )
      .with('numbered', (w) =>
        w
          .selectFrom('reaching as r')
          .innerJoin('comments as c', 'c.root_id', 'r.root_id')
          .select(PUBLIC_COLUMNS.map((column) => `c.${column}` as const))
          .select([
            'r.score as root_score',
            sql<number>`(r.before + row_number() over (partition by c.root_id order by c.path) - 1)::int`.as(
              'position',
            ),
          ])
          .where('c.question_id', '=', questionId)
          .where('c.status', '=', 'approved'),
      )
      .with('slice', (w) =>
        w
          .selectFrom('numbered')
          .selectAll()
          .select(sql<boolean>`false`.as('earlier'))
          .where('position', '>=', page.offset)
          .where('position', '<', end),
      )
      .with('start', (w) => w.selectFrom('slice').select(['root_id', 'path']).where('position', '=', page.offset))
      .with('ancestors', () =>
        pageAncestors(db).select([
          sql<number>`(select root_score from slice where position = ${page.offset})`.as('root_score'),
          sql<number>`null::int`.as('position'),
        ]),
      )
      .selectFrom((eb) =>
        eb
          .selectFrom('slice')
          .select([...PUBLIC_COLUMNS, 'root_score', 'position', 'earlier'])
          .unionAll(eb.selectFrom('ancestors').select([...PUBLIC_COLUMNS, 'root_score', 'position', 'earlier']))
          .as('t'),
      )
      .selectAll('t')
      .select(() => countColumns(db, questionId))
      .orderBy('t.earlier', 'desc')
      .orderBy('t.position')
      .orderBy('t.path')
  );
}

/**
 * How many approved comments come before this place in the thread's display order in
 * `order`: what tells which page a comment is on.
 */
export async function countApprovedBefore(
  db: DB,
  questionId: number,
  place: ThreadPlace,
  order: ThreadOrder = DEFAULT_THREAD_ORDER,
  near: 'start' | 'end' = 'start',
): Promise<number> {
  return (await approvedBeforeQuery(db, questionId, place, order, near).executeTakeFirstOrThrow()).n;
}

/**
 * countApprovedBefore's query, unexecuted, so that a test can check its plan. `near`:
 * where the comment is expected to be. Oldest first, a comment near the end (a new
 * answer) is counted from the end instead, the question's answer count less those at
 * or after it, so posting into a long thread does not count the whole thread (one
 * statement, so the count and the comments are read at the same moment).
 */
export function approvedBeforeQuery(
  db: DB,
  questionId: number,
  place: ThreadPlace,
  order: ThreadOrder = DEFAULT_THREAD_ORDER,
  near: 'start' | 'end' = 'start',
) {
  const approved = () =>
    db.selectFrom('comments').where('question_id', '=', questionId).where('status', '=', 'approved');
  if (order === 'oldest' && near === 'end') {
    const atOrAfter = approved()
      .select(sql<number>`count(*)::int`.as('n'))
      .where(sql`(root_id, path)`, '>=', sql`(${place.rootId}, ${place.path})`);
    return db
      .selectFrom('questions')
      .select(sql<number>`answer_count - (${atOrAfter})`.as('n'))
      .where('id', '=', questionId);
  }
  if (order === 'oldest') {
    return approved()
      .select(sql<number>`count(*)::int`.as('n'))
      .where(sql`(root_id, path)`, '<', sql`(${place.rootId}, ${place.path})`);
  }
  if (order === 'newest') {
    // Newer conversations, then the comment's own up to it: one range of the index, less
    // the rest of its own conversation.
    return approved()
      .select(sql<number>`count(*)::int`.as('n'))
      .where('root_id', '>=', place.rootId)
      .where((eb) => eb.or([eb('root_id', '>', place.rootId), eb('path', '<', place.path)]));
  }
  // The conversations ranked before this one (by score, then oldest), then its own up to it.
  const score = db
    .selectFrom('comment_vote_totals as v')
    .select(CONVERSATION_SCORE.as('score'))
    .where('v.comment_id', '=', place.rootId);
  const own = sql<number>`coalesce((${score}), 0)`;
  return db
    .selectFrom(conversations(db, questionId).as('k'))
    .select(
      sql<number>`(coalesce(sum(k.n), 0) + (${approved()
        .select(sql`count(*)`.as('n'))
        .where('root_id', '=', place.rootId)
        .where('path', '<', place.path)}))::int`.as('n'),
    )
    .where((eb) =>
      eb.or([eb('k.score', '>', own), eb.and([eb('k.score', '=', own), eb('k.root_id', '<', place.rootId)])]),
    );
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
