import { type Kysely, sql } from 'kysely';
import type { Database, DB } from '../db/database.js';
import type { VoteChoice } from './vote.table.js';

export interface VoteCounts {
  agree: number;
  disagree: number;
  pass: number;
}

export const NO_VOTES: VoteCounts = Object.freeze({ agree: 0, disagree: 0, pass: 0 });

/**
 * The counts shown on each comment (and in the CSV export), by comment id; a comment
 * nobody voted on is absent. Counts are kept per comment whatever its state: callers
 * show only public comments.
 */
export async function voteCountsFor(
  db: Kysely<Database>,
  commentIds: readonly number[],
): Promise<Map<number, VoteCounts>> {
  if (commentIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('comment_vote_totals')
    .select(['comment_id', 'agree', 'disagree', 'pass'])
    .where('comment_id', 'in', [...new Set(commentIds)])
    .execute();
  return new Map(rows.map(({ comment_id, ...counts }) => [comment_id, counts]));
}

/** The comment being voted on, locked so that its votes are counted one change at a time. */
export function lockVotedComment(tx: Kysely<Database>, commentId: number) {
  return tx
    .selectFrom('comments')
    .select(['id', 'question_id', 'status'])
    .where('id', '=', commentId)
    .forUpdate()
    .executeTakeFirst();
}

export async function findVote(
  tx: Kysely<Database>,
  commentId: number,
  visitorId: string,
): Promise<VoteChoice | undefined> {
  const row = await tx
    .selectFrom('comment_votes')
    .select('vote')
    .where('comment_id', '=', commentId)
    .where('visitor_id', '=', visitorId)
    .executeTakeFirst();
  return row?.vote;
}

/** Writes a reader's vote (replacing their earlier one) and recounts the comment's totals. */
export async function saveVote(
  tx: Kysely<Database>,
  vote: {
    commentId: number;
    questionId: number;
    visitorId: string;
    choice: VoteChoice;
    ip: string | null;
    ipRange: string | null;
    now: Date;
  },
): Promise<VoteCounts> {
  await tx
    .insertInto('comment_votes')
    .values({
      comment_id: vote.commentId,
      question_id: vote.questionId,
      visitor_id: vote.visitorId,
      vote: vote.choice,
      ip: vote.ip,
      ip_range: vote.ipRange,
      created_at: vote.now,
      updated_at: vote.now,
    })
    .onConflict((oc) =>
      oc.columns(['comment_id', 'visitor_id']).doUpdateSet({
        vote: vote.choice,
        ip: vote.ip,
        ip_range: vote.ipRange,
        updated_at: vote.now,
      }),
    )
    .execute();
  // Recounted rather than adjusted: the comment row is locked, so this is exact, and
  // a count can never drift from the votes behind it.
  return await tx
    .insertInto('comment_vote_totals')
    .columns(['comment_id', 'agree', 'disagree', 'pass'])
    .expression((eb) =>
      eb
        .selectFrom('comment_votes')
        .select([
          sql<number>`${vote.commentId}::int`.as('comment_id'),
          sql<number>`count(*) filter (where vote = 'agree')::int`.as('agree'),
          sql<number>`count(*) filter (where vote = 'disagree')::int`.as('disagree'),
          sql<number>`count(*) filter (where vote = 'pass')::int`.as('pass'),
        ])
        .where('comment_id', '=', vote.commentId),
    )
    .onConflict((oc) =>
      oc.column('comment_id').doUpdateSet((eb) => ({
        agree: eb.ref('excluded.agree'),
        disagree: eb.ref('excluded.disagree'),
        pass: eb.ref('excluded.pass'),
      })),
    )
    .returning(['agree', 'disagree', 'pass'])
    .executeTakeFirstOrThrow();
}

/** A reader's own votes on a question's comments, to mark their choices on the page. */
export async function votesOfVisitor(db: DB, questionId: number, visitorId: string): Promise<Map<number, VoteChoice>> {
  const rows = await db
    .selectFrom('comment_votes')
    .select(['comment_id', 'vote'])
    .where('question_id', '=', questionId)
    .where('visitor_id', '=', visitorId)
    .execute();
  return new Map(rows.map((row) => [row.comment_id, row.vote]));
}

/** A voter's votes on a question, in comment order: ids and choices side by side. */
export interface VoterVotes {
  visitorId: string;
  commentIds: number[];
  choices: VoteChoice[];
}

const CHOICE_LETTERS: Record<string, VoteChoice> = { a: 'agree', d: 'disagree', p: 'pass' };

/**
 * Every counted vote on a question for the opinion map (on public comments only), one
 * row per voter with their votes packed in two strings: 2,000 rows to read rather than
 * 600,000 (reading rows one by one is what costs, the embedded database most of all).
 */
export async function questionVotes(db: DB, questionId: number): Promise<VoterVotes[]> {
  const rows = await db
    .selectFrom('comment_votes as v')
    .innerJoin('comments as c', 'c.id', 'v.comment_id')
    .select([
      'v.visitor_id',
      sql<string>`string_agg(v.comment_id::text, ',' order by v.comment_id)`.as('comment_ids'),
      sql<string>`string_agg(left(v.vote, 1), '' order by v.comment_id)`.as('choices'),
    ])
    .where('v.question_id', '=', questionId)
    .where('c.status', '=', 'approved')
    .groupBy('v.visitor_id')
    .execute();
  return rows.map((row) => ({
    visitorId: row.visitor_id,
    commentIds: row.comment_ids.split(',').map(Number),
    choices: [...row.choices].map((letter) => CHOICE_LETTERS[letter] as VoteChoice),
  }));
}

/** The most voted comments, with their question and state, for moderators. */
export async function mostVotedComments(db: DB, limit: number) {
  return await db
    .selectFrom('comment_vote_totals as t')
    .innerJoin('comments as c', 'c.id', 't.comment_id')
    .innerJoin('questions as q', 'q.id', 'c.question_id')
    .select(['c.id', 'c.author', 'c.body_html', 'c.status', 'q.slug', 'q.wording', 't.agree', 't.disagree', 't.pass'])
    .orderBy(sql`t.agree + t.disagree + t.pass`, 'desc')
    .orderBy('c.id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Bursts: many votes from one address range on one question within a short window,
 * newest first. A hint for moderators, not proof: a school or an office shares a range.
 */
export async function voteBursts(
  db: DB,
  options: { since: Date; windowMinutes: number; atLeast: number; limit: number },
) {
  // A literal, not a parameter: the same expression must appear in the select and the group by.
  const seconds = sql.lit(Math.round(options.windowMinutes * 60));
  const bucket = sql<Date>`to_timestamp(floor(extract(epoch from v.updated_at) / ${seconds}) * ${seconds})`;
  return await db
    .selectFrom('comment_votes as v')
    .innerJoin('questions as q', 'q.id', 'v.question_id')
    .select([
      'v.ip_range',
      'q.slug',
      'q.wording',
      bucket.as('window_start'),
      sql<number>`count(*)::int`.as('votes'),
      sql<number>`count(distinct v.visitor_id)::int`.as('voters'),
      sql<number>`count(distinct v.comment_id)::int`.as('comments'),
    ])
    .where('v.updated_at', '>=', options.since)
    .where('v.ip_range', 'is not', null)
    .groupBy(['v.ip_range', 'q.slug', 'q.wording', bucket])
    .having(sql`count(*)`, '>=', options.atLeast)
    .orderBy('window_start', 'desc')
    .orderBy('votes', 'desc')
    .limit(options.limit)
    .execute();
}
