import type { ColumnType } from 'kysely';

export interface CaptchaUseTable {
  nonce: string;
  expires_at: ColumnType<Date, Date, never>;
}
