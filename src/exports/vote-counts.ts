import type { DB } from '../db/database.js';

export interface VoteCounts {
  agree: number;
  disagree: number;
  pass: number;
}

export const NO_VOTES: VoteCounts = Object.freeze({ agree: 0, disagree: 0, pass: 0 });

/**
 * The one place exports learn how people voted on a question's comments, by comment
 * id. Votes do not exist yet: every comment has none. The votes feature fills this in
 * (one grouped query on its table) and the CSV and JSON follow.
 */
export async function voteCountsFor(_db: DB, _questionId: number): Promise<Map<number, VoteCounts>> {
  return new Map();
}
