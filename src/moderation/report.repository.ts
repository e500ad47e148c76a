import { type Kysely, sql } from 'kysely';
import type { Database, DB } from '../db/database.js';
import type { ReportReason } from './report.table.js';

/** False when this browser had already reported the comment. */
export async function insertReport(
  tx: Kysely<Database>,
  report: {
    commentId: number;
    visitorId: string;
    reason: ReportReason;
    note: string | null;
    ip: string | null;
    now: Date;
  },
): Promise<boolean> {
  const row = await tx
    .insertInto('comment_reports')
    .values({
      comment_id: report.commentId,
      visitor_id: report.visitorId,
      reason: report.reason,
      note: report.note,
      ip: report.ip,
      created_at: report.now,
      resolved_at: null,
    })
    .onConflict((oc) => oc.columns(['comment_id', 'visitor_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Who sent the reports still open on a comment: the threshold counts distinct ones. */
export function listOpenReporters(tx: Kysely<Database>, commentId: number) {
  return tx
    .selectFrom('comment_reports')
    .select(['visitor_id', 'ip'])
    .where('comment_id', '=', commentId)
    .where('resolved_at', 'is', null)
    .execute();
}

/** A moderator has already decided on reports about this comment (and kept it, if it is public). */
export async function hasResolvedReports(tx: Kysely<Database>, commentId: number): Promise<boolean> {
  const row = await tx
    .selectFrom('comment_reports')
    .select('id')
    .where('comment_id', '=', commentId)
    .where('resolved_at', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function countOpenReports(tx: Kysely<Database>, commentId: number): Promise<number> {
  const row = await tx
    .selectFrom('comment_reports')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('comment_id', '=', commentId)
    .where('resolved_at', 'is', null)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** A moderator has decided: these reports no longer count, and leave the Reported tab. */
export async function resolveReports(tx: Kysely<Database>, commentId: number, now: Date): Promise<void> {
  await tx
    .updateTable('comment_reports')
    .set({ resolved_at: now })
    .where('comment_id', '=', commentId)
    .where('resolved_at', 'is', null)
    .execute();
}

export function listOpenReports(db: DB, commentIds: readonly number[]) {
  if (commentIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('comment_reports')
    .select(['comment_id', 'reason', 'note', 'created_at'])
    .where('comment_id', 'in', commentIds)
    .where('resolved_at', 'is', null)
    .orderBy('id')
    .execute();
}
