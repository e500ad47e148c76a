import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** The audit log: one row per moderator action or settings change. Append-only. */
export interface ModerationLogTable {
  id: Generated<number>;
  created_at: ColumnType<Date, Date | undefined, never>;
  moderator_id: ColumnType<number | null, number | null, never>;
  /** As it was then: the account may since have been renamed or removed. */
  moderator_name: ColumnType<string, string, never>;
  action: ColumnType<string, string, never>;
  comment_id: ColumnType<number | null, number | null | undefined, never>;
  question_id: ColumnType<number | null, number | null | undefined, never>;
  from_status: ColumnType<string | null, string | null | undefined, never>;
  to_status: ColumnType<string | null, string | null | undefined, never>;
  details: ColumnType<unknown, string | null | undefined, never>;
}

export type ModerationLogRow = Selectable<ModerationLogTable>;
export type NewModerationLogRow = Insertable<ModerationLogTable>;
