import type { ModeratorRole, ModeratorRow } from './moderator.table.js';

/** A moderator as the application sees one: never the password hash. */
export interface Moderator {
  id: number;
  email: string;
  name: string;
  role: ModeratorRole;
  createdAt: Date;
  lastLoginAt: Date | null;
}

export function toModerator(row: Omit<ModeratorRow, 'password_hash'>): Moderator {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: new Date(row.created_at),
    lastLoginAt: row.last_login_at ? new Date(row.last_login_at) : null,
  };
}

/** Emails are compared as people mean them: case and surrounding spaces do not count. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
