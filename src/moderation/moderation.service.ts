import { appendLogEntry } from '../audit/audit-log.repository.js';
import { type Comment, toComment } from '../comments/comment.js';
import type { CommentStatus } from '../comments/comment.table.js';
import {
  deleteComment,
  eraseComment,
  setCommentStatus,
  setHighlighted,
  updateCommentText,
} from '../comments/comment-state.repository.js';
import { renderCommentBody } from '../comments/sanitize.js';
import type { DB } from '../db/database.js';
import type { EventLog } from '../events/event-log.js';
import { AppError, notFound } from '../http/app-error.js';
import { messages } from '../messages.js';
import type { Moderator } from '../moderators/moderator.js';
import type { CommentEdit } from './comment-edit-form.js';
import {
  countQueue,
  countReplies,
  findModeratedComment,
  listQueue,
  lockComment,
  type QueueTab,
} from './moderation.repository.js';
import { countOpenReports, listOpenReports, resolveReports } from './report.repository.js';
import { type ModerationAction, transition } from './transitions.js';

export interface ModerationServiceDeps {
  db: DB;
  log: EventLog;
}

export interface ModerationOutcome {
  id: number;
  from: CommentStatus;
  to: CommentStatus | 'deleted';
}

const REFUSALS = {
  already: messages.alreadyInState,
  'not-binned': messages.restoreNotBinned,
  'delete-not-binned': messages.deleteNotBinned,
} as const;

const QUEUE_PAGE_SIZE = 50;

/**
 * What moderators do to comments. Each change, its audit-log entry and its
 * previous state are written in one transaction, with the events the change makes.
 */
export function createModerationService(deps: ModerationServiceDeps) {
  const { db, log } = deps;

  /**
   * @param reason for spam and trash: the public reason, shown where the comment was
   *   (when replies keep it in the thread as a tombstone) and counted in the public record.
   */
  async function moderate(
    id: number,
    action: ModerationAction,
    moderator: Moderator,
    now = new Date(),
    reason: string | null = null,
  ): Promise<ModerationOutcome> {
    const result = await log.transaction(async (tx, record) => {
      const row = await lockComment(tx, id);
      if (!row) throw notFound(messages.commentNotFound);
      const step = transition(row.status, action, row.previous_status);
      if (!step.ok && action === 'approve' && (await countOpenReports(tx, id)) > 0) {
        // Approving a reported comment that is still public keeps it and dismisses the reports.
        await resolveReports(tx, id, now);
        await appendLogEntry(tx, {
          moderator,
          action: 'dismiss-reports',
          commentId: id,
          questionId: row.question_id,
          from: row.status,
          to: row.status,
          at: now,
        });
        return { row, to: row.status };
      }
      if (!step.ok) throw new AppError(409, `cannot_${action}`, REFUSALS[step.reason]);
      if (action === 'restore' && row.erased_at !== null) {
        throw new AppError(409, 'cannot_restore', messages.restoreErased);
      }
      let erased = false;
      if (step.to === 'deleted') {
        // Replies hang from the comment in the tree: it stays as a tombstone, erased.
        erased = (await countReplies(tx, id)) > 0;
        if (erased) await eraseComment(tx, id, now);
        else await deleteComment(tx, id);
      } else {
        const binning = step.to === 'spam' || step.to === 'trash';
        await setCommentStatus(tx, id, {
          status: step.to,
          previousStatus: binning ? row.status : null,
          removalReason: binning ? reason : null,
          now,
        });
      }
      // A decision answers the readers' reports: they leave the Reported tab and stop counting.
      if (action !== 'restore' && step.to !== 'deleted') await resolveReports(tx, id, now);
      await appendLogEntry(tx, {
        moderator,
        action,
        commentId: id,
        questionId: row.question_id,
        from: row.status,
        to: step.to,
        details: erased ? { kept: 'tombstone' } : reason && step.to !== 'deleted' ? { reason } : null,
        at: now,
      });
      const where = { questionId: row.question_id, commentId: id };
      await record({ type: 'comment.moderated', ...where, from: row.status, to: step.to, by: moderator.name });
      if (step.to === 'approved') await record({ type: 'comment.published', ...where });
      if (row.status === 'approved') await record({ type: 'comment.removed', ...where, to: step.to });
      return { row, to: step.to };
    });
    return { id, from: result.row.status, to: result.to };
  }

  /** The same action on many comments; those it does not apply to are skipped, not fatal. */
  async function moderateMany(
    ids: readonly number[],
    action: ModerationAction,
    moderator: Moderator,
    reason: string | null = null,
  ) {
    let done = 0;
    let skipped = 0;
    for (const id of ids) {
      try {
        await moderate(id, action, moderator, new Date(), reason);
        done += 1;
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        skipped += 1;
      }
    }
    return { done, skipped };
  }

  async function editComment(id: number, edit: CommentEdit, moderator: Moderator, now = new Date()): Promise<Comment> {
    return log.transaction(async (tx, record) => {
      const row = await lockComment(tx, id);
      if (!row) throw notFound(messages.commentNotFound);
      const changed = (['author', 'email', 'url', 'body'] as const).filter(
        (field) => (field === 'body' ? row.body_source : row[field]) !== edit[field],
      );
      const updated = await updateCommentText(tx, id, {
        author: edit.author,
        email: edit.email,
        url: edit.url,
        body_source: edit.body,
        body_html: renderCommentBody(edit.body),
        now,
      });
      await appendLogEntry(tx, {
        moderator,
        action: 'edit',
        commentId: id,
        questionId: row.question_id,
        from: row.status,
        to: row.status,
        details: { changed },
        at: now,
      });
      if (changed.length > 0) await record({ type: 'comment.edited', questionId: row.question_id, commentId: id });
      return toComment(updated);
    });
  }

  /** Highlighted answers show first on the thread, as Coral's featured comments. */
  async function setHighlight(id: number, highlighted: boolean, moderator: Moderator, now = new Date()) {
    return log.transaction(async (tx, record) => {
      const row = await lockComment(tx, id);
      if (!row) throw notFound(messages.commentNotFound);
      if (row.status !== 'approved') throw new AppError(409, 'not_approved', messages.highlightNotApproved);
      if (row.highlighted === highlighted) throw new AppError(409, 'already', messages.alreadyInState);
      const updated = toComment(await setHighlighted(tx, id, highlighted));
      await appendLogEntry(tx, {
        moderator,
        action: highlighted ? 'highlight' : 'unhighlight',
        commentId: id,
        questionId: row.question_id,
        at: now,
      });
      await record({ type: 'comment.edited', questionId: row.question_id, commentId: id });
      return updated;
    });
  }

  async function findForEdit(id: number) {
    const row = await findModeratedComment(db, id);
    if (!row) throw notFound(messages.commentNotFound);
    return row;
  }

  async function queue(tab: QueueTab, pageNumber: number) {
    const [rows, counts] = await Promise.all([
      listQueue(db, tab, { limit: QUEUE_PAGE_SIZE + 1, offset: (pageNumber - 1) * QUEUE_PAGE_SIZE }),
      countQueue(db),
    ]);
    const shown = rows.slice(0, QUEUE_PAGE_SIZE);
    const reports = await listOpenReports(
      db,
      shown.map((row) => row.id),
    );
    return {
      rows: shown.map((row) => ({ ...row, reports: reports.filter((report) => report.comment_id === row.id) })),
      hasMore: rows.length > QUEUE_PAGE_SIZE,
      counts,
    };
  }

  return { moderate, moderateMany, editComment, setHighlight, findForEdit, queue };
}

export type ModerationService = ReturnType<typeof createModerationService>;
