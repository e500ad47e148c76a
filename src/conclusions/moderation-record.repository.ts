import { sql } from 'kysely';
import type { DB } from '../db/database.js';

/** Decisions that take a comment out of public view, with the reason given (if any). */
const REMOVALS = ['trash', 'spam'];
/** Decisions on a held comment: the end of its wait in the queue. */
const DECISIONS = ['approve', 'trash', 'spam', 'delete'];

/**
 * The public record of moderation, from the audit log: counts only, never a commenter's
 * name. `questionId` narrows it to one thread.
 */
export async function moderationRecord(db: DB, questionId?: number) {
  const log = () => {
    const query = db.selectFrom('moderation_log as l');
    return questionId === undefined ? query : query.where('l.question_id', '=', questionId);
  };
  const [removals, approvals, wait, moderators] = await Promise.all([
    log()
      .select([
        sql<string>`to_char(l.created_at at time zone 'UTC', 'YYYY-MM')`.as('month'),
        sql<string | null>`l.details->>'reason'`.as('reason'),
        sql<number>`count(*)::int`.as('n'),
      ])
      .where('l.action', 'in', REMOVALS)
      .groupBy(['month', 'reason'])
      .orderBy('month', 'desc')
      .orderBy('n', 'desc')
      .execute(),
    log()
      .select(sql<number>`count(*)::int`.as('n'))
      .where('l.action', '=', 'approve')
      .where('l.from_status', '=', 'pending')
      .executeTakeFirstOrThrow(),
    log()
      .innerJoin('comments as c', 'c.id', 'l.comment_id')
      .select([
        sql<
          number | null
        >`percentile_cont(0.5) within group (order by extract(epoch from l.created_at - c.created_at))`.as('median'),
        sql<number>`count(*)::int`.as('n'),
      ])
      .where('l.action', 'in', DECISIONS)
      .where('l.from_status', '=', 'pending')
      .executeTakeFirstOrThrow(),
    log()
      .innerJoin('moderators as m', 'm.id', 'l.moderator_id')
      .select(['m.name', sql<number>`count(*)::int`.as('n')])
      .where('l.action', 'in', DECISIONS)
      .groupBy('m.name')
      .orderBy('n', 'desc')
      .execute(),
  ]);
  return {
    removals,
    approvedFromQueue: approvals.n,
    queue: { decided: wait.n, medianSeconds: wait.median === null ? null : Number(wait.median) },
    moderators,
  };
}
