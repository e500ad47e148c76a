import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export const moderatorRoles = ['admin', 'moderator'] as const;
export type ModeratorRole = (typeof moderatorRoles)[number];

export interface ModeratorTable {
  id: Generated<number>;
  email: string;
  name: string;
  role: ModeratorRole;
  /** `scrypt$N$r$p$salt$hash`, see password.ts. */
  password_hash: string;
  created_at: ColumnType<Date, Date | undefined, never>;
  last_login_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface LoginAttemptTable {
  /** `account:<email>` or `ip:<address>`. */
  key: string;
  failures: number;
  window_started_at: Date;
}

export type ModeratorRow = Selectable<ModeratorTable>;
export type NewModeratorRow = Insertable<ModeratorTable>;
