import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { PUBLIC_COLUMNS, type PublicCommentRow } from './comment.repository.js';
import type { CommentStatus } from './comment.table.js';
import { pathSegment } from './comment-tree.js';

/*
 * Every change to a stored comment after it is posted (moderators' decisions and edits,
 * readers' reports that hide it). Callers write the change's event in the same transaction.
 */

export function setCommentStatus(
  tx: Kysely<Database>,
  id: number,
  change: {
    status: CommentStatus;
    previousStatus: CommentStatus | null;
    heldByRule?: string | null;
    /** The public reason for a removal; any other change clears it. */
    removalReason?: string | null;
    now: Date;
  },
): Promise<PublicCommentRow> {
  return tx
    .updateTable('comments')
    .set({
      status: change.status,
      previous_status: change.previousStatus,
      updated_at: change.now,
      removal_reason: change.removalReason ?? null,
      ...(change.heldByRule === undefined ? {} : { held_by_rule: change.heldByRule }),
    })
    .where('id', '=', id)
    .returning(PUBLIC_COLUMNS)
    .executeTakeFirstOrThrow();
}

export async function deleteComment(tx: Kysely<Database>, id: number): Promise<void> {
  await tx.deleteFrom('comments').where('id', '=', id).execute();
}

/**
 * Deleting a removed comment that replies hang from: everything it said and everything
 * about its author goes, its place in the tree (and its public reason) stays.
 */
export async function eraseComment(tx: Kysely<Database>, id: number, now: Date): Promise<void> {
  await tx
    .updateTable('comments')
    .set({
      author: '',
      email: '',
      url: null,
      body_source: '',
      body_html: '',
      ip: null,
      user_agent: null,
      visitor_id: null,
      highlighted: false,
      erased_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export function updateCommentText(
  tx: Kysely<Database>,
  id: number,
  fields: { author: string; email: string; url: string | null; body_source: string; body_html: string; now: Date },
): Promise<PublicCommentRow> {
  const { now, ...columns } = fields;
  return tx
    .updateTable('comments')
    .set({ ...columns, updated_at: now })
    .where('id', '=', id)
    .returning(PUBLIC_COLUMNS)
    .executeTakeFirstOrThrow();
}

export function setHighlighted(tx: Kysely<Database>, id: number, highlighted: boolean): Promise<PublicCommentRow> {
  return tx
    .updateTable('comments')
    .set({ highlighted })
    .where('id', '=', id)
    .returning(PUBLIC_COLUMNS)
    .executeTakeFirstOrThrow();
}

/**
 * Moves a comment and every reply under it to another question: the comment becomes a
 * top-level answer there, its replies keep their places under it.
 */
export function moveSubtree(
  tx: Kysely<Database>,
  comment: { id: number; question_id: number; depth: number; path: string },
  targetQuestionId: number,
): Promise<PublicCommentRow[]> {
  return tx
    .updateTable('comments')
    .set({
      question_id: targetQuestionId,
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
}
