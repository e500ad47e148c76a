import type { ColumnType, Generated, Selectable } from 'kysely';

export type BanKind = 'email' | 'ip';

export interface BanTable {
  id: Generated<number>;
  kind: BanKind;
  /** A lower-cased email, or an IP range in canonical CIDR text. */
  value: string;
  reason: string;
  expires_at: Date | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  created_by: number | null;
  created_by_name: string;
  lifted_at: Date | null;
  lifted_by_name: string | null;
}

export interface BanAttemptTable {
  id: Generated<number>;
  ban_id: number;
  created_at: ColumnType<Date, Date | undefined, never>;
  email: string | null;
  ip: string | null;
  question_id: number | null;
}

export type BanRow = Selectable<BanTable>;
