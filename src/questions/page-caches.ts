import type { DB } from '../db/database.js';
import type { ForumEvents } from '../events.js';
import { PageCache } from './page-cache.js';
import { createQuestionLookup } from './question-lookup.js';
import type { ThreadSection } from './thread-page.js';

/** Post pages are one group: any change to any answer count empties it. */
export const ALL_POSTS = 0;
// A minute keeps no-JavaScript readers' relative times honest, and is a safety net should a
// message from another process about a change be lost; changes drop entries at once.
const TTL_MS = 60_000;

/**
 * What this process keeps rendered: thread pages (at most 2,000; at the default 100
 * comments a page each is ~0.1 MB with its deflated copy, so ~220 MB if all are kept),
 * post pages with their ETags, and questions by slug. Every domain event that changes what a page shows drops that question's entries; a change
 * made on another process arrives through live/ and `invalidateQuestion`.
 */
export function createPageCaches(db: DB, events: ForumEvents) {
  const threads = new PageCache<ThreadSection>(2_000, TTL_MS);
  const posts = new PageCache<{ html: string; etag: string }>(100, TTL_MS);
  const questions = createQuestionLookup(db, TTL_MS);

  const invalidateQuestion = (questionId: number) => {
    questions.forget(questionId);
    threads.invalidate(questionId);
    posts.invalidate(ALL_POSTS);
  };
  events.on('comment.created', ({ comment }) => {
    if (comment.status === 'approved') invalidateQuestion(comment.questionId);
  });
  events.on('comment.moderated', ({ questionId }) => invalidateQuestion(questionId));
  events.on('comment.updated', ({ comment }) => invalidateQuestion(comment.questionId));
  events.on('comment.removed', ({ questionId }) => invalidateQuestion(questionId));
  events.on('comment.reported', ({ questionId, hidden }) => {
    if (hidden) invalidateQuestion(questionId);
  });
  events.on('question.updated', ({ question }) => invalidateQuestion(question.id));

  return { threads, posts, questions, invalidateQuestion };
}
