import type { CommentStatus } from '../comments/comment.table.js';

/** The actions on one comment that `POST /mod/comments/:id/<action>` accepts (docs/CONTRACT.md). */
export const moderationActions = ['approve', 'spam', 'trash', 'restore', 'delete'] as const;
export type ModerationAction = (typeof moderationActions)[number];

export type Transition =
  | { ok: true; to: CommentStatus | 'deleted' }
  | { ok: false; reason: 'already' | 'not-binned' | 'delete-not-binned' };

/**
 * Where an action takes a comment. Pure. Restore undoes the last move to spam or
 * trash (a comment binned straight from the form returns to the queue); only what
 * is already in spam or trash can be deleted for good.
 */
export function transition(
  current: CommentStatus,
  action: ModerationAction,
  previous: CommentStatus | null,
): Transition {
  switch (action) {
    case 'approve':
      return current === 'approved' ? { ok: false, reason: 'already' } : { ok: true, to: 'approved' };
    case 'spam':
      return current === 'spam' ? { ok: false, reason: 'already' } : { ok: true, to: 'spam' };
    case 'trash':
      return current === 'trash' ? { ok: false, reason: 'already' } : { ok: true, to: 'trash' };
    case 'restore':
      if (current !== 'spam' && current !== 'trash') return { ok: false, reason: 'not-binned' };
      return { ok: true, to: previous && previous !== current ? previous : 'pending' };
    case 'delete':
      return current === 'spam' || current === 'trash'
        ? { ok: true, to: 'deleted' }
        : { ok: false, reason: 'delete-not-binned' };
  }
}

/** The actions the queue offers for a comment in this state. */
export function availableActions(status: CommentStatus): ModerationAction[] {
  return moderationActions.filter((action) => transition(status, action, null).ok);
}
