import type { CommentStatus } from '../comments/comment.table.js';

/**
 * The domain events: every change a reader or a subscriber can see, as it is written to
 * the event log (`forum_events`) in the same transaction as the change itself. They say
 * what changed, by id; consumers read the current state when they act on one. (The
 * socket contract that followers' browsers see is `live/socket-contract.ts`.)
 *
 * - `comment.published`: a comment became public: posted approved, approved from the
 *   queue, or restored to approved; `imported` when an import brought it in (old news:
 *   nobody is mailed about it).
 * - `comment.held`: a new comment that is not public (pending or spam): the queue's news.
 * - `comment.edited`: a comment's text, author or highlight changed (any status).
 * - `comment.removed`: a public comment left the thread (held by reports, spam, trash,
 *   deleted, or moved to another question, where it is `comment.published`).
 * - `comment.moderated`: every status change, public or not, for the moderators' queue.
 * - `comment.reported`: a reader reported a comment (`hidden`: that report hid it).
 * - `question.added` / `question.updated`: a question appeared, or its wording, passage
 *   open/closed state or status (open, in review, concluded) changed.
 * - `question.summarised`: a moderator wrote a new revision of the question's summary.
 * - `settings.changed`: admins changed rules that shape pages (depth, per page, ...).
 * - `bans.changed`: a ban was made or lifted (each process reads the bans in force again).
 * - `comment.voted`: a reader's vote on a public comment was cast or changed (its counts
 *   and the question's opinion map changed).
 */
export type ForumEvent =
  | { type: 'comment.published'; questionId: number; commentId: number; imported?: true }
  | { type: 'comment.held'; questionId: number; commentId: number; status: CommentStatus }
  | { type: 'comment.edited'; questionId: number; commentId: number }
  | { type: 'comment.removed'; questionId: number; commentId: number; to: CommentStatus | 'deleted' | 'moved' }
  | {
      type: 'comment.moderated';
      questionId: number;
      commentId: number;
      from: CommentStatus;
      to: CommentStatus | 'deleted';
      by: string | null;
    }
  | { type: 'comment.reported'; questionId: number; commentId: number; hidden: boolean }
  | { type: 'question.added'; questionId: number }
  | { type: 'question.updated'; questionId: number }
  | { type: 'settings.changed'; keys: string[] }
  | { type: 'bans.changed' }
  | { type: 'comment.voted'; questionId: number; commentId: number }
  | { type: 'question.summarised'; questionId: number };

export type ForumEventType = ForumEvent['type'];

/** An event as the log keeps it: with its place in the forum-wide order. */
export type LoggedEvent = ForumEvent & { seq: number; at: Date };

export type EventOf<T extends ForumEventType> = Extract<LoggedEvent, { type: T }>;

/** The question an event concerns, if any. */
export const questionOf = (event: ForumEvent): number | null => ('questionId' in event ? event.questionId : null);
