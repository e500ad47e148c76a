import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Every revision of every question's summary, kept in public. Append-only. */
export interface SummaryRevisionTable {
  id: Generated<number>;
  question_id: number;
  moderator_id: number | null;
  /** As the moderator was named then. */
  moderator_name: string;
  body_source: string;
  body_html: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type SummaryRevisionRow = Selectable<SummaryRevisionTable>;
export type NewSummaryRevisionRow = Insertable<SummaryRevisionTable>;
