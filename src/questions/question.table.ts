import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export const questionStatuses = ['open', 'in-review', 'concluded'] as const;
export type QuestionStatus = (typeof questionStatuses)[number];

export interface QuestionTable {
  id: Generated<number>;
  post_id: number;
  slug: string;
  /** Order in the post. */
  position: number;
  /** The question as a reader would ask it. */
  wording: string;
  /** The words exactly as they stand in the post body, linked to the thread. */
  quote: string;
  /** Where the quote starts in the post body; null for questions a moderator added. */
  quote_start: number | null;
  passage: string;
  /** 'discussion': a post's own comment thread (WordPress imports), kept out of question lists. */
  kind: ColumnType<'question' | 'discussion', 'question' | 'discussion' | undefined, never>;
  /** Set when a moderator closed the question to new comments. */
  closed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** What became of it: `open`, `in-review` or `concluded` (see conclusions/). */
  status: ColumnType<QuestionStatus, QuestionStatus | undefined, QuestionStatus>;
  /** The moderators' conclusion, as typed (comment markup) and as shown. */
  summary_source: ColumnType<string, string | undefined, string>;
  summary_html: ColumnType<string, string | undefined, string>;
  summary_updated_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
  /** Approved answers; kept by the comments' triggers in the same transaction as they change. */
  answer_count: ColumnType<number, never, never>;
  /** The newest approved answer (by id) and when it was written; kept by the same triggers. */
  last_answer_id: ColumnType<number | null, never, never>;
  last_answer_at: ColumnType<Date | null, never, never>;
}

export type QuestionRow = Selectable<QuestionTable>;
export type NewQuestionRow = Insertable<QuestionTable>;
export type QuestionUpdate = Updateable<QuestionTable>;
