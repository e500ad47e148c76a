import { DEFAULT_THREAD_ORDER, type ThreadOrder } from '../comments/thread-order.js';
import type { QuestionRow, QuestionStatus } from './question.table.js';

/** A question as the rest of the application sees it. */
export interface Question {
  id: number;
  postId: number;
  slug: string;
  position: number;
  wording: string;
  quote: string;
  quoteStart: number | null;
  passage: string;
  /** Closed to new comments by a moderator. */
  closed: boolean;
  /** What became of it; a concluded question still takes answers unless closed. */
  status: QuestionStatus;
  /** The moderators' summary (safe HTML), empty until one is written. */
  summaryHtml: string;
  summaryUpdatedAt: Date | null;
  answerCount?: number;
  /** The newest approved answer: its id (for "N new") and when it was written. */
  lastAnswerId?: number | null;
  lastAnswerAt?: Date | null;
}

export function toQuestion(row: QuestionRow): Question {
  const question: Question = {
    id: row.id,
    postId: row.post_id,
    slug: row.slug,
    position: row.position,
    wording: row.wording,
    quote: row.quote,
    quoteStart: row.quote_start,
    passage: row.passage,
    closed: row.closed_at !== null,
    status: row.status,
    summaryHtml: row.summary_html,
    summaryUpdatedAt: row.summary_updated_at ? new Date(row.summary_updated_at) : null,
  };
  // Kept on the row by the comments' triggers (see the question-activity migration).
  if (row.answer_count !== undefined) {
    question.answerCount = row.answer_count;
    question.lastAnswerId = row.last_answer_id;
    question.lastAnswerAt = row.last_answer_at;
  }
  return question;
}

export function questionPath(slug: string): string {
  return `/questions/${encodeURIComponent(slug)}`;
}

/**
 * A comment's lasting address: it answers with a redirect to the page of the thread the
 * comment is on now (pages shift as a thread grows, so `?page=N#comment-<id>` does not last).
 */
export function commentPath(slug: string, id: number): string {
  return `${questionPath(slug)}/comments/${id}`;
}

/**
 * A page of a question's thread in an order: `?sort=` unless it is the default order,
 * `?page=` past the first page.
 */
export function threadPagePath(slug: string, page: number, order: ThreadOrder = DEFAULT_THREAD_ORDER): string {
  const query = [...(order === DEFAULT_THREAD_ORDER ? [] : [`sort=${order}`]), ...(page > 1 ? [`page=${page}`] : [])];
  return `${questionPath(slug)}${query.length > 0 ? `?${query.join('&')}` : ''}`;
}

/** Where a comment is shown: its page of the thread in the reader's order, at the comment. */
export function commentOnPage(slug: string, id: number, page: number, order?: ThreadOrder): string {
  return `${threadPagePath(slug, page, order)}#comment-${id}`;
}
