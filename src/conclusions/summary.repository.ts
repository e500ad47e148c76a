import type { Kysely } from 'kysely';
import type { Database, DB } from '../db/database.js';
import type { QuestionStatus } from '../questions/question.table.js';
import type { NewSummaryRevisionRow, SummaryRevisionRow } from './summary.table.js';

export async function insertSummaryRevision(tx: Kysely<Database>, row: NewSummaryRevisionRow): Promise<void> {
  await tx.insertInto('summary_revisions').values(row).execute();
}

export async function setQuestionSummary(
  tx: Kysely<Database>,
  questionId: number,
  summary: { source: string; html: string; at: Date },
): Promise<void> {
  await tx
    .updateTable('questions')
    .set({
      summary_source: summary.source,
      summary_html: summary.html,
      summary_updated_at: summary.at,
      updated_at: summary.at,
    })
    .where('id', '=', questionId)
    .execute();
}

export async function setQuestionStatus(tx: Kysely<Database>, questionId: number, status: QuestionStatus) {
  await tx.updateTable('questions').set({ status, updated_at: new Date() }).where('id', '=', questionId).execute();
}

/** A question's summary revisions, oldest first (each is shown against the one before). */
export function listSummaryRevisions(db: DB, questionId: number): Promise<SummaryRevisionRow[]> {
  return db.selectFrom('summary_revisions').selectAll().where('question_id', '=', questionId).orderBy('id').execute();
}

/** Published answers of one question by id: what a summary may quote. */
export function listQuotableAnswers(db: Kysely<Database>, questionId: number, ids: readonly number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('comments')
    .select(['id', 'author', 'body_html'])
    .where('question_id', '=', questionId)
    .where('status', '=', 'approved')
    .where('id', 'in', ids)
    .execute();
}
