import { setCommentStatus } from '../comments/comment-state.repository.js';
import type { EventLog } from '../events/event-log.js';
import { AppError, notFound } from '../http/app-error.js';
import { messages } from '../messages.js';
import type { SettingsSource } from '../settings/settings.service.js';
import { addressHolder } from './ip-range.js';
import { lockComment } from './moderation.repository.js';
import { hasResolvedReports, insertReport, listOpenReporters } from './report.repository.js';
import { type ReportReason, reportReasons } from './report.table.js';

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
export function createReportService(deps: { log: EventLog; settings: SettingsSource }) {
  const { log } = deps;

  async function reportComment(
    target: { commentId: number; questionId: number },
    report: ReportForm,
    reporter: { visitorId: string; ip: string | null },
    now = new Date(),
  ): Promise<{ counted: boolean; hidden: boolean }> {
    const { reportThreshold } = await deps.settings.current();
    const outcome = await log.transaction(async (tx, record) => {
      const row = await lockComment(tx, target.commentId);
      if (!row || row.question_id !== target.questionId || row.status !== 'approved') {
        throw notFound(messages.commentNotFound);
      }
      const counted = await insertReport(tx, { commentId: row.id, ...report, ...reporter, now });
      if (!counted) return { counted, hidden: false };
      const where = { questionId: row.question_id, commentId: row.id };
      // Once a moderator has decided on reports about it, readers cannot hide it again.
      const hidden =
        reachesThreshold(await listOpenReporters(tx, row.id), reportThreshold) &&
        !(await hasResolvedReports(tx, row.id));
      if (hidden) {
        await setCommentStatus(tx, row.id, { status: 'pending', previousStatus: null, heldByRule: 'reports', now });
        await record({ type: 'comment.moderated', ...where, from: 'approved', to: 'pending', by: null });
        await record({ type: 'comment.removed', ...where, to: 'pending' });
      }
      await record({ type: 'comment.reported', ...where, hidden });
      return { counted, hidden };
    });
    if (!outcome.counted) throw new AppError(409, 'already_reported', messages.alreadyReported);
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
