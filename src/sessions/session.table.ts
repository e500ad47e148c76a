import type { ColumnType } from 'kysely';

export interface SessionTable {
  sid: string;
  /** express-session's session object, as JSON. */
  data: ColumnType<unknown, string, string>;
  expires_at: Date;
}
