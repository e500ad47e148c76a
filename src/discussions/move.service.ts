import { appendLogEntry } from '../audit/audit-log.repository.js';
import { moveSubtree } from '../comments/comment-state.repository.js';
import type { DB } from '../db/database.js';
import type { EventLog } from '../events/event-log.js';
import { AppError, notFound } from '../http/app-error.js';
import { messages } from '../messages.js';
import type { Moderator } from '../moderators/moderator.js';

export interface MoveTarget {
  id: number;
  slug: string;
  wording: string;
}

/** A comment, where it is, and the questions of the same post it may move to. */
export async function findMovable(db: DB, commentId: number) {
  const comment = await db
    .selectFrom('comments as c')
    .innerJoin('questions as q', 'q.id', 'c.question_id')
    .select(['c.id', 'c.author', 'c.path', 'c.depth', 'c.question_id', 'q.post_id', 'q.slug', 'q.wording'])
    .where('c.id', '=', commentId)
    .executeTakeFirst();
  if (!comment) throw notFound(messages.commentNotFound);
  const targets: MoveTarget[] = await db
    .selectFrom('questions')
    .select(['id', 'slug', 'wording'])
    .where('post_id', '=', comment.post_id)
    .where('kind', '=', 'question')
    .where('id', '!=', comment.question_id)
    .orderBy('position')
    .execute();
  return { comment, targets };
}

/**
 * Moves a comment and every reply under it to another question of the same post (a
 * WordPress comment that answers one of the post's questions, out of the post's
 * discussion). The comment becomes an answer there; its replies keep their places
 * under it. One transaction, logged; followers of both threads are told.
 */
export function createCommentMover(deps: { log: EventLog }) {
  const { log } = deps;
  return async function moveComment(commentId: number, targetSlug: string, moderator: Moderator) {
    const result = await log.transaction(async (tx, record) => {
      const { comment, targets } = await findMovable(tx, commentId);
      const target = targets.find((question) => question.slug === targetSlug);
      if (!target)
        throw new AppError(422, 'invalid_move', messages.moveTargetInvalid, { question: messages.moveTargetInvalid });
      const moved = await moveSubtree(tx, comment, target.id);
      await appendLogEntry(tx, {
        moderator: { id: moderator.id, name: moderator.name },
        action: 'move',
        commentId: comment.id,
        questionId: target.id,
        details: { from: comment.slug, to: target.slug, comments: moved.length },
      });
      // Gone from one thread, published in the other, for followers and kept pages of both.
      for (const row of moved.filter((c) => c.status === 'approved')) {
        await record({ type: 'comment.removed', questionId: comment.question_id, commentId: row.id, to: 'moved' });
        await record({ type: 'comment.published', questionId: target.id, commentId: row.id });
      }
      return { target, moved };
    });
    return { id: commentId, question: result.target, moved: result.moved.length };
  };
}

export type CommentMover = ReturnType<typeof createCommentMover>;
