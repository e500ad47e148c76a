import type { DB } from '../db/database.js';
import type { EventLog } from '../events/event-log.js';
import type { LoggedEvent } from '../events/forum-event.js';
import type { FrontPage, QuestionList } from './front-page.js';
import type { PostPage } from './front-page.routes.js';
import { PageCache } from './page-cache.js';
import { createQuestionLookup } from './question-lookup.js';
import type { ThreadSection } from './thread-page.js';

/** Post pages, the front page and question lists are one group: any change to any answer count empties it. */
export const ALL_POSTS = 0;
// A minute keeps no-JavaScript readers' relative times honest; changes drop entries at once.
const TTL_MS = 60_000;

/** What a change makes stale: one question's pages, every page, or nothing kept. */
export type PagesAffected = { question: number } | 'all' | null;

/**
 * Which change affects which kept pages: the one list. Everything a thread page shows
 * of a question (its comments, wording, state) is dropped with the question's group, its
 * pages in every order (a vote reorders the most agreed ones, and shows on all of them),
 * and post pages with it (they show answer counts and questions). Settings shape every
 * page (depth, per page). The queue's own bookkeeping and bans change no page.
 */
export function pagesAffectedBy(event: LoggedEvent): PagesAffected {
  switch (event.type) {
    case 'comment.published':
    case 'comment.edited':
    case 'comment.removed':
    case 'comment.moderated':
    case 'question.added':
    case 'question.updated':
    case 'comment.voted':
    case 'question.summarised':
      return { question: event.questionId };
    case 'comment.reported':
      return event.hidden ? { question: event.questionId } : null;
    case 'settings.changed':
      return 'all';
    case 'comment.held':
    case 'bans.changed':
      return null;
  }
}

/**
 * What this process keeps rendered: thread pages (at most 2,000; at the default 100
 * comments a page each is ~0.1 MB with its deflated copy, so ~220 MB if all are kept),
 * post pages, front pages and question lists (as view models: each reader's "N new" is
 * merged in per request), and questions by slug. A consumer of the event log: every
 * change, made by this process or another, drops what it makes stale.
 */
export function createPageCaches(db: DB, log: EventLog) {
  const threads = new PageCache<ThreadSection>(2_000, TTL_MS);
  const posts = new PageCache<PostPage>(100, TTL_MS);
  const fronts = new PageCache<FrontPage | undefined>(100, TTL_MS);
  const questionLists = new PageCache<QuestionList | undefined>(200, TTL_MS);
  const questions = createQuestionLookup(db, TTL_MS);

  const dropQuestion = (questionId: number) => {
    questions.forget(questionId);
    threads.invalidate(questionId);
    posts.invalidate(ALL_POSTS);
    fronts.invalidate(ALL_POSTS);
    questionLists.invalidate(ALL_POSTS);
  };
  log.subscribe('page-caches', (events) => {
    for (const event of events) {
      const affected = pagesAffectedBy(event);
      if (affected === 'all') {
        questions.forgetAll();
        threads.clear();
        posts.clear();
        fronts.clear();
        questionLists.clear();
      } else if (affected) {
        dropQuestion(affected.question);
      }
    }
  });

  return { threads, posts, fronts, questionLists, questions };
}
