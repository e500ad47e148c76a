import type { PublicCommentRow } from './comment.repository.js';
import type { CommentStatus } from './comment.table.js';

/** A comment as pages, the API and live events see it: nothing private. */
export interface Comment {
  id: number;
  questionId: number;
  parentId: number | null;
  inReplyToId: number | null;
  rootId: number;
  depth: number;
  /** The ids from the root down, zero-padded: sorting by it gives display order. */
  path: string;
  status: CommentStatus;
  author: string;
  url: string | null;
  html: string;
  createdAt: Date;
  /** Written by a moderator, from the queue: badged on the thread. */
  byModerator: boolean;
  /** Picked by a moderator: shown first, in "Highlighted answers". */
  highlighted: boolean;
  /**
   * A tombstone: trashed or marked spam while published replies hang from it, so the
   * thread keeps its place (see listTombstones), saying only this public reason.
   */
  removed: boolean;
  removalReason: string | null;
}

/**
 * Where a reader reports a comment. Short, without the question's slug, because every
 * comment on a thread page links to it (the longer /questions/:slug/comments/:id/report
 * still answers, for links made before).
 */
export function reportPath(commentId: number): string {
  return `${commentAddress(commentId)}/report`;
}

/** A comment's short lasting address: it redirects to the page the comment is on now. */
export function commentAddress(commentId: number): string {
  return `/comments/${commentId}`;
}

export function toComment(row: PublicCommentRow): Comment {
  return {
    id: row.id,
    questionId: row.question_id,
    parentId: row.parent_id,
    inReplyToId: row.in_reply_to_id,
    rootId: row.root_id,
    depth: row.depth,
    path: row.path,
    status: row.status,
    author: row.author,
    url: row.url,
    html: row.body_html,
    createdAt: new Date(row.created_at),
    byModerator: row.moderator_id !== null,
    highlighted: row.highlighted,
    removed: false,
    removalReason: row.removal_reason,
  };
}

/** A removed comment as a thread shows it (from listTombstones' rows: no words, no author). */
export function toTombstone(row: PublicCommentRow): Comment {
  return { ...toComment(row), removed: true };
}
