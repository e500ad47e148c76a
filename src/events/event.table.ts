import type { ColumnType, Generated } from 'kysely';

/** The event log: one row per change, `seq` in commit order (see event-log.repository.ts). */
export interface ForumEventTable {
  seq: Generated<string>;
  question_id: number | null;
  type: string;
  payload: ColumnType<unknown, string, never>;
  created_at: ColumnType<Date, Date | undefined, never>;
  /** Written on a server with a provisional seq that its commit replaces (never seen so). */
  provisional: ColumnType<boolean, boolean | undefined, never>;
}

export interface ForumEventHorizonTable {
  id: number;
  /** Every event up to this seq may have been pruned. */
  pruned_through: ColumnType<string, number | string, number | string>;
}

export interface ForumEventCursorTable {
  consumer: string;
  seq: ColumnType<string, number | string, number | string>;
  updated_at: ColumnType<Date, Date | undefined, Date | undefined>;
}
