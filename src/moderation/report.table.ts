import type { ColumnType, Generated } from 'kysely';

export const reportReasons = ['spam', 'abuse', 'off-topic', 'other'] as const;
export type ReportReason = (typeof reportReasons)[number];

export interface CommentReportTable {
  id: Generated<number>;
  comment_id: number;
  visitor_id: string;
  reason: ReportReason;
  note: string | null;
  ip: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  resolved_at: Date | null;
}
