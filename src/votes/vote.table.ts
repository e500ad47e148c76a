import type { ColumnType } from 'kysely';

export const voteChoices = ['agree', 'disagree', 'pass'] as const;
export type VoteChoice = (typeof voteChoices)[number];

export interface CommentVoteTable {
  comment_id: number;
  question_id: number;
  visitor_id: string;
  vote: VoteChoice;
  ip: string | null;
  ip_range: string | null;
  created_at: ColumnType<Date, Date | undefined, Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface CommentVoteTotalsTable {
  comment_id: number;
  agree: number;
  disagree: number;
  pass: number;
}
