import type { DB } from '../db/database.js';
import { insertEvents } from '../events/event-log.repository.js';
import { insertComments, nextCommentIds } from './comment.repository.js';
import { threadPosition } from './comment-tree.js';
import { fakeThread } from './fake-thread.js';
import { renderCommentBody } from './sanitize.js';

export interface SeedFakeThreadOptions {
  count: number;
  /** The depth cap the thread is placed under, as MAX_THREAD_DEPTH places real replies. */
  maxDepth: number;
  seed?: number;
  /** When the thread's last comment was written (default: now). */
  end?: Date;
  /** Told after each stored batch. */
  onProgress?: (stored: number, total: number) => void;
}

/**
 * 1,000 rows of 15 columns stay far below PostgreSQL's 65,535 parameters per
 * statement, and each batch is one short transaction.
 */
const BATCH_SIZE = 1_000;

/**
 * Stores a made-up thread under a question in bulk, the way postComment stores one
 * comment: the body through renderCommentBody, the place in the tree through
 * threadPosition, ids from the comments' sequence. Every comment is approved, as if
 * moderated. Batches commit one by one, parents before replies, so an interrupted run
 * leaves a smaller thread that is still whole.
 */
export async function seedFakeThread(db: DB, questionId: number, options: SeedFakeThreadOptions): Promise<void> {
  const { count, maxDepth } = options;
  const comments = fakeThread({ count, seed: options.seed ?? questionId, end: options.end ?? new Date() });
  // Where each generated comment landed, by generation index, for the replies that come later.
  const placed: { id: number; path: string; depth: number }[] = [];
  for (const drafts of inBatches(comments, BATCH_SIZE)) {
    // Sanitizing is the slow part; done before the transaction opens.
    const bodies = drafts.map((draft) => renderCommentBody(draft.body));
    await db.transaction().execute(async (tx) => {
      const ids = await nextCommentIds(tx, drafts.length);
      const rows = drafts.map((draft, k) => {
        const id = ids[k] as number;
        const answered = draft.replyTo === null ? null : (placed[draft.replyTo] as (typeof placed)[number]);
        const position = threadPosition(id, answered, maxDepth);
        placed.push({ id, path: position.path, depth: position.depth });
        return {
          id,
          question_id: questionId,
          parent_id: position.parentId,
          in_reply_to_id: answered?.id ?? null,
          root_id: position.rootId,
          depth: position.depth,
          path: position.path,
          status: 'approved' as const,
          author: draft.author,
          email: draft.email,
          url: draft.url,
          body_source: draft.body,
          body_html: bodies[k] as string,
          created_at: draft.createdAt,
          updated_at: draft.createdAt,
        };
      });
      await insertComments(tx, rows);
      // Changes like any other: followers of the question get them (or a resync).
      await insertEvents(
        tx,
        rows.map((row) => ({ type: 'comment.published', questionId, commentId: row.id })),
      );
    });
    options.onProgress?.(placed.length, count);
  }
}

function* inBatches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
