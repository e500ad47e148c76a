import { EventEmitter } from 'node:events';
import type { Comment } from './comments/comment.js';
import type { CommentStatus } from './comments/comment.table.js';
import type { Question } from './questions/question.js';

/** Who changed something, for events a moderator caused. */
export interface ActingModerator {
  id: number;
  name: string;
}

/**
 * Domain events, emitted by services after their transaction commits. Routes never
 * talk to Socket.IO: live/ subscribes here and broadcasts.
 *
 * - `comment.created`: any new comment, whatever its status (check `comment.status`).
 * - `comment.approved`: a comment became public (approved, or restored to approved).
 * - `comment.updated`: a comment's text, author or highlight changed (any status).
 * - `comment.removed`: a public comment left the thread (held, spam, trash or deleted).
 * - `comment.moderated`: every status change, public or not, for the moderators' queue.
 * - `comment.reported`: a reader reported a comment.
 * - `question.updated`: a question's wording, passage or open/closed state changed.
 */
export interface ForumEventMap {
  'comment.created': [{ comment: Comment; questionSlug: string }];
  'comment.approved': [{ comment: Comment; questionSlug: string; moderator: ActingModerator }];
  'comment.updated': [{ comment: Comment; questionSlug: string; moderator: ActingModerator }];
  'comment.removed': [{ commentId: number; questionId: number; questionSlug: string }];
  'comment.moderated': [
    {
      commentId: number;
      questionId: number;
      questionSlug: string;
      from: CommentStatus;
      to: CommentStatus | 'deleted';
      moderator: ActingModerator | null;
    },
  ];
  'comment.reported': [{ commentId: number; questionId: number; questionSlug: string; hidden: boolean }];
  'question.updated': [{ question: Question; moderator: ActingModerator }];
}

export class ForumEvents extends EventEmitter<ForumEventMap> {}
