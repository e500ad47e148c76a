import type { ColumnType, Generated, Selectable } from 'kysely';

export interface MailAddressTable {
  /** Lower-cased: one row per inbox, however it was typed. */
  email: string;
  confirmed_at: Date | null;
  confirmation_sent_at: Date | null;
  /** A permanent SMTP failure: nothing more goes there. */
  bounced_at: Date | null;
  bounce_reason: string | null;
  digest_sent_at: Date | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type SubscriptionKind = 'replies' | 'question';

export interface MailSubscriptionTable {
  email: string;
  question_id: number;
  kind: SubscriptionKind;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface MailDigestItemTable {
  email: string;
  question_id: number;
  comment_id: number;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type OutboxStatus = 'queued' | 'sent' | 'failed' | 'cancelled';
export type OutboxKind = 'confirm' | 'reply' | 'digest';

export interface MailOutboxTable {
  id: Generated<number>;
  idempotency_key: string;
  kind: OutboxKind;
  to_email: string;
  subject: string;
  text: string;
  html: string;
  headers: ColumnType<Record<string, string>, string, string>;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: ColumnType<Date, Date | undefined, Date>;
  claimed_until: Date | null;
  last_error: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  sent_at: Date | null;
}

export type OutboxRow = Selectable<MailOutboxTable>;
