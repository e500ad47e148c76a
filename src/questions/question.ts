import type { QuestionWithCount } from './question.repository.js';
import type { QuestionRow } from './question.table.js';

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
  answerCount?: number;
}

export function toQuestion(row: QuestionRow | QuestionWithCount): Question {
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
  };
  if ('answer_count' in row) question.answerCount = row.answer_count;
  return question;
}

export function questionPath(slug: string): string {
  return `/questions/${encodeURIComponent(slug)}`;
}
