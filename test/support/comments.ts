import { findComment, insertComment, nextCommentId } from '../../src/comments/comment.repository.js';
import type { CommentStatus } from '../../src/comments/comment.table.js';
import { threadPosition } from '../../src/comments/comment-tree.js';
import { renderCommentBody } from '../../src/comments/sanitize.js';
import type { DB } from '../../src/db/database.js';
import { findQuestionBySlug } from '../../src/questions/question.repository.js';

export interface StoredComment {
  body: string;
  status?: CommentStatus;
  author?: string;
  email?: string;
  parentId?: number;
  createdAt?: Date;
}

/**
 * A comment stored as postComment stores one (the same sanitizer and placement),
 * without the form and captcha: for tests about what happens to comments afterwards.
 */
export async function storeComment(db: DB, slug: string, comment: StoredComment): Promise<number> {
  const question = await findQuestionBySlug(db, slug);
  if (!question) throw new Error(`No question ${slug}`);
  const id = await nextCommentId(db);
  const answered = comment.parentId === undefined ? null : await findComment(db, comment.parentId);
  const position = threadPosition(id, answered ?? null, 5);
  await insertComment(db, {
    id,
    question_id: question.id,
    parent_id: position.parentId,
    in_reply_to_id: answered?.id ?? null,
    root_id: position.rootId,
    depth: position.depth,
    path: position.path,
    status: comment.status ?? 'approved',
    author: comment.author ?? 'Ana Lopes',
    email: comment.email ?? 'ana@example.org',
    url: null,
    body_source: comment.body,
    body_html: renderCommentBody(comment.body),
    created_at: comment.createdAt,
    updated_at: comment.createdAt,
  });
  return id;
}
