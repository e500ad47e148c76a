import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { PUBLIC_COLUMNS, type PublicCommentRow } from './comment.repository.js';
import type { CommentStatus } from './comment.table.js';

/*
 * Every change to a stored comment after it is posted (moderators' decisions and edits,
 * readers' reports that hide it). Callers write the change's event in the same transaction.
 */

export function setCommentStatus(
  tx: Kysely<Database>,
  id: number,
  change: { status: CommentStatus; previousStatus: CommentStatus | null; heldByRule?: string | null; now: Date },
): Promise<PublicCommentRow> {
  return tx
    .updateTable('comments')
    .set({
      status: change.status,
      previous_status: change.previousStatus,
      updated_at: change.now,
      ...(change.heldByRule === undefined ? {} : { held_by_rule: change.heldByRule }),
    })
    .where('id', '=', id)
    .returning(PUBLIC_COLUMNS)
    .executeTakeFirstOrThrow();
}

export async function deleteComment(tx: Kysely<Database>, id: number): Promise<void> {
  await tx.deleteFrom('comments').where('id', '=', id).execute();
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
