import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export const commentStatuses = ['approved', 'pending', 'spam', 'trash'] as const;
export type CommentStatus = (typeof commentStatuses)[number];

export interface CommentTable {
  id: Generated<number>;
  question_id: number;
  parent_id: number | null;
  in_reply_to_id: number | null;
  root_id: number;
  depth: number;
  path: string;
  status: CommentStatus;
  held_by_rule: string | null;
  author: string;
  email: string;
  url: string | null;
  body_source: string;
  body_html: string;
  ip: string | null;
  user_agent: string | null;
  visitor_id: string | null;
  /** Where Restore returns a comment from spam or trash. */
  previous_status: CommentStatus | null;
  /** A moderator's own reply, badged on the thread. */
  moderator_id: number | null;
  /** Picked by a moderator to show first on the thread. */
  highlighted: ColumnType<boolean, boolean | undefined, boolean>;
  /** The public reason given when it was trashed or marked spam (shown on its tombstone). */
  removal_reason: ColumnType<string | null, string | null | undefined, string | null>;
  /** Deleted while it had replies: its words and author are gone, its place in the tree kept. */
  erased_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type CommentRow = Selectable<CommentTable>;
export type NewCommentRow = Insertable<CommentTable>;
