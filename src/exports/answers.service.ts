import type { DB } from '../db/database.js';
import type { Question } from '../questions/question.js';
import { NO_VOTES, type VoteCounts, voteCountsFor } from '../votes/vote.repository.js';
import { listPublishedAnswers } from './answers.repository.js';
import { commentPlainText } from './plain-text.js';

/** One published answer as analysts get it: no email, IP or other private field. */
export interface ExportedAnswer extends VoteCounts {
  id: number;
  parentId: number | null;
  author: string;
  createdAt: Date;
  text: string;
  html: string;
}

export async function exportAnswers(db: DB, question: Question): Promise<ExportedAnswer[]> {
  const rows = await listPublishedAnswers(db, question.id);
  const votes = await voteCountsFor(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({
    id: row.id,
    parentId: row.parent_id,
    author: row.author,
    createdAt: new Date(row.created_at),
    text: commentPlainText(row.body_html),
    html: row.body_html,
    ...(votes.get(row.id) ?? NO_VOTES),
  }));
}
