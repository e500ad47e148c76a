import type { ColumnType } from 'kysely';

/** What one browser has seen: the newest comment id it was shown, by question id. */
export type Marks = Record<string, number>;

export interface ReaderMarksTable {
  /** The visitor cookie's id. */
  visitor_id: string;
  marks: ColumnType<Marks, string, string>;
  seen_at: ColumnType<Date, Date | undefined, Date>;
}
