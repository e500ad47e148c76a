import type { Kysely } from 'kysely';
import type { Database, DB } from '../db/database.js';
import type { ModerationLogRow } from './audit-log.table.js';

export interface LogEntry {
  moderator: { id: number; name: string };
  action: string;
  commentId?: number | null;
  questionId?: number | null;
  from?: string | null;
  to?: string | null;
  details?: Record<string, unknown> | null;
  at?: Date;
}

/** The only write to the audit log: it is appended to, never changed. */
export async function appendLogEntry(db: Kysely<Database>, entry: LogEntry): Promise<void> {
  await db
    .insertInto('moderation_log')
    .values({
      created_at: entry.at ?? new Date(),
      moderator_id: entry.moderator.id,
      moderator_name: entry.moderator.name,
      action: entry.action,
      comment_id: entry.commentId ?? null,
      question_id: entry.questionId ?? null,
      from_status: entry.from ?? null,
      to_status: entry.to ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
    })
    .execute();
}

export interface LogFilter {
  moderatorId?: number;
  action?: string;
  commentId?: number;
}

export type LogRow = ModerationLogRow & { question_slug: string | null };

export function listLogEntries(db: DB, filter: LogFilter, page: { limit: number; offset: number }): Promise<LogRow[]> {
  let query = db
    .selectFrom('moderation_log as l')
    .leftJoin('questions as q', 'q.id', 'l.question_id')
    .selectAll('l')
    .select('q.slug as question_slug')
    .orderBy('l.id', 'desc')
    .limit(page.limit)
    .offset(page.offset);
  if (filter.moderatorId !== undefined) query = query.where('l.moderator_id', '=', filter.moderatorId);
  if (filter.action !== undefined) query = query.where('l.action', '=', filter.action);
  if (filter.commentId !== undefined) query = query.where('l.comment_id', '=', filter.commentId);
  return query.execute();
}

/** Who and what can be filtered on: everyone who has acted, and every action taken. */
export async function logFacets(db: DB) {
  const [moderators, actions] = await Promise.all([
    db
      .selectFrom('moderation_log')
      .select(['moderator_id', 'moderator_name'])
      .distinctOn('moderator_id')
      .where('moderator_id', 'is not', null)
      .orderBy('moderator_id')
      .orderBy('id', 'desc')
      .execute(),
    db.selectFrom('moderation_log').select('action').distinct().orderBy('action').execute(),
  ]);
  return { moderators, actions: actions.map((row) => row.action) };
}
