import type { LoggedEvent } from '../events/forum-event.js';

/** The events a follower's catch-up replays: the ones that change what a thread shows. */
export const REPLAYED_TYPES = ['comment.published', 'comment.edited', 'comment.removed', 'comment.voted'] as const;

/** A catch-up never sends more than this; past it, the follower reloads the thread instead. */
export const CATCH_UP_LIMIT = 500;

export type ReplayStep = { kind: 'new' | 'update' | 'remove'; commentId: number; seq: number };

/**
 * What a follower who has everything up to some seq must be sent, given the question's
 * events since then (oldest first) and whether each comment they name is public now.
 * Pure.
 *
 * One step per comment, at the place of its last event, saying where it stands now:
 * a comment that is public now arrives as `new` if it became public in the gap (posted,
 * approved, restored) and as `update` otherwise (edited); one that is not public now is
 * removed. So a comment posted then edited arrives once, as it is now, and one posted
 * then trashed in the gap is only removed (a follower that never had it ignores that).
 * A comment only voted on in the gap arrives as `update`: its markup carries its counts.
 */
export function planCatchUp(events: readonly LoggedEvent[], isPublicNow: (commentId: number) => boolean): ReplayStep[] {
  const last = new Map<number, { seq: number; published: boolean }>();
  for (const event of events) {
    if (!('commentId' in event)) continue;
    const seen = last.get(event.commentId);
    last.set(event.commentId, {
      seq: event.seq,
      published: (seen?.published ?? false) || event.type === 'comment.published',
    });
  }
  return [...last.entries()]
    .sort(([, a], [, b]) => a.seq - b.seq)
    .map(([commentId, { seq, published }]) => ({
      kind: isPublicNow(commentId) ? (published ? 'new' : 'update') : 'remove',
      commentId,
      seq,
    }));
}
