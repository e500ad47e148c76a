import { sql } from 'kysely';
import { type Comment, toComment } from '../comments/comment.js';
import { PUBLIC_COLUMNS } from '../comments/comment.repository.js';
import { pathSegment } from '../comments/comment-tree.js';
import type { DB } from '../db/database.js';
import type { ForumEvents } from '../events.js';
import { AppError, notFound } from '../http/app-error.js';
import { messages } from '../messages.js';
import { appendLogEntry } from '../moderation/moderation-log.repository.js';
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
export function createCommentMover(deps: { db: DB; events: ForumEvents }) {
  const { db, events } = deps;
  return async function moveComment(commentId: number, targetSlug: string, moderator: Moderator) {
    const result = await db.transaction().execute(async (tx) => {
      const { comment, targets } = await findMovable(tx, commentId);
      const target = targets.find((question) => question.slug === targetSlug);
      if (!target)
        throw new AppError(422, 'invalid_move', messages.moveTargetInvalid, { question: messages.moveTargetInvalid });
      const moved = await tx
        .updateTable('comments')
        .set({
          question_id: target.id,
          root_id: comment.id,
          depth: sql`depth - ${comment.depth}`,
          path: sql`${pathSegment(comment.id)} || substr(path, ${comment.path.length + 1})`,
          parent_id: sql`case when id = ${comment.id} then null else parent_id end`,
          // What it answered stays in the other thread; a reply's link would lead away.
          in_reply_to_id: sql`case when id = ${comment.id} then null else in_reply_to_id end`,
          updated_at: new Date(),
        })
        .where('question_id', '=', comment.question_id)
        .where((eb) => eb.or([eb('id', '=', comment.id), eb('path', 'like', `${comment.path}.%`)]))
        .returning(PUBLIC_COLUMNS)
        .execute();
      await appendLogEntry(tx, {
        moderator: { id: moderator.id, name: moderator.name },
        action: 'move',
        commentId: comment.id,
        questionId: target.id,
        details: { from: comment.slug, to: target.slug, comments: moved.length },
      });
      return { from: comment, target, moved: moved.map(toComment) };
    });
    announce(result.from, result.target, result.moved, moderator);
    return { id: commentId, question: result.target, moved: result.moved.length };
  };

  // Until the event log has a "moved" event: gone from one thread, published in the other.
  function announce(
    from: { question_id: number; slug: string },
    target: MoveTarget,
    moved: Comment[],
    moderator: Moderator,
  ) {
    const acting = { id: moderator.id, name: moderator.name };
    for (const comment of moved.filter((c) => c.status === 'approved')) {
      events.emit('comment.removed', { commentId: comment.id, questionId: from.question_id, questionSlug: from.slug });
      events.emit('comment.approved', { comment, questionSlug: target.slug, moderator: acting });
    }
  }
}

export type CommentMover = ReturnType<typeof createCommentMover>;
