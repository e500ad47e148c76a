import { toComment } from '../comments/comment.js';
import type { DB } from '../db/database.js';
import type { ForumEvents } from '../events.js';
import { AppError, notFound } from '../http/app-error.js';
import { messages } from '../messages.js';
import { addressHolder } from './ip-range.js';
import { lockComment, setCommentStatus } from './moderation.repository.js';
import { hasResolvedReports, insertReport, listOpenReporters } from './report.repository.js';
import { type ReportReason, reportReasons } from './report.table.js';
import type { SettingsSource } from './settings.service.js';

const NOTE_LIMIT = 1000;

export interface ReportForm {
  reason: ReportReason;
  note: string | null;
}

/** The report form: a reason from the list and an optional note. Pure. */
export function parseReportForm(
  body: Record<string, unknown>,
):
  | { ok: true; report: ReportForm; values: Record<string, string> }
  | { ok: false; errors: Record<string, string>; values: Record<string, string> } {
  const reason = typeof body.reason === 'string' ? body.reason : '';
  const note = typeof body.note === 'string' ? body.note.trim() : '';
  const errors: Record<string, string> = {};
  if (!reportReasons.includes(reason as ReportReason)) errors.reason = messages.reportReasonRequired;
  if ([...note].length > NOTE_LIMIT) errors.note = messages.reportNoteTooLong(NOTE_LIMIT);
  if (Object.keys(errors).length > 0) return { ok: false, errors, values: { reason, note } };
  return { ok: true, report: { reason: reason as ReportReason, note: note || null }, values: { reason, note } };
}

/**
 * Readers' reports. One per browser per comment (the route takes them only from a
 * browser the forum gave its signed cookie on an earlier page). A comment is hidden
 * (pending, held by 'reports') until a moderator decides when its open reports come
 * from at least the threshold of distinct browsers AND of distinct addresses: cookies
 * are free to collect, addresses are not. Once a moderator has decided on reports about
 * a comment, new ones only put it back in the Reported tab: readers cannot overrule them.
 */
export function createReportService(deps: { db: DB; events: ForumEvents; settings: SettingsSource }) {
  const { db, events } = deps;

  async function reportComment(
    target: { commentId: number; questionId: number; questionSlug: string },
    report: ReportForm,
    reporter: { visitorId: string; ip: string | null },
    now = new Date(),
  ): Promise<{ counted: boolean; hidden: boolean }> {
    const { reportThreshold } = await deps.settings.current();
    const outcome = await db.transaction().execute(async (tx) => {
      const row = await lockComment(tx, target.commentId);
      if (!row || row.question_id !== target.questionId || row.status !== 'approved') {
        throw notFound(messages.commentNotFound);
      }
      const counted = await insertReport(tx, { commentId: row.id, ...report, ...reporter, now });
      if (!counted) return { counted, hidden: false, comment: null };
      if (!reachesThreshold(await listOpenReporters(tx, row.id), reportThreshold)) {
        return { counted, hidden: false, comment: null };
      }
      if (await hasResolvedReports(tx, row.id)) return { counted, hidden: false, comment: null };
      const hidden = await setCommentStatus(tx, row.id, {
        status: 'pending',
        previousStatus: null,
        heldByRule: 'reports',
        now,
      });
      return { counted, hidden: true, comment: toComment(hidden) };
    });
    if (!outcome.counted) throw new AppError(409, 'already_reported', messages.alreadyReported);
    const where = { commentId: target.commentId, questionId: target.questionId, questionSlug: target.questionSlug };
    events.emit('comment.reported', { ...where, hidden: outcome.hidden });
    if (outcome.hidden) {
      events.emit('comment.moderated', { ...where, from: 'approved', to: 'pending', moderator: null });
      events.emit('comment.removed', where);
    }
    return { counted: true, hidden: outcome.hidden };
  }

  return { reportComment };
}

/** At least `threshold` distinct browsers and `threshold` distinct addresses (IPv6: per /64). Pure. */
export function reachesThreshold(
  reporters: readonly { visitor_id: string; ip: string | null }[],
  threshold: number,
): boolean {
  const visitors = new Set(reporters.map((reporter) => reporter.visitor_id));
  const addresses = new Set(reporters.flatMap((reporter) => (reporter.ip ? [addressHolder(reporter.ip)] : [])));
  return visitors.size >= threshold && addresses.size >= threshold;
}

export type ReportService = ReturnType<typeof createReportService>;
