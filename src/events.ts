import { EventEmitter } from 'node:events';
import type { Comment } from './comments/comment.js';

/**
 * Domain events, emitted by services after their transaction commits. Routes never
 * talk to Socket.IO: live/ subscribes here and broadcasts.
 */
export interface ForumEventMap {
  'comment.created': [{ comment: Comment; questionSlug: string }];
}

export class ForumEvents extends EventEmitter<ForumEventMap> {}
