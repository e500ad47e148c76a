import type { Kysely } from 'kysely';
import { commentAddress } from '../comments/comment.js';
import { renderCommentBody } from '../comments/sanitize.js';
import type { Database } from '../db/database.js';
import type { Moderator } from '../moderators/moderator.js';
import { insertSummaryRevision, listQuotableAnswers, setQuestionSummary } from './summary.repository.js';
import { linkAnswerReferences, referencedCommentIds } from './summary-markup.js';

/** The longest summary a moderator may write: a conclusion, not a report. */
export const SUMMARY_LIMIT = 20_000;

/**
 * A summary as shown: the comments' markup, then each reference to one of the
 * question's published answers turned into a quoted link to it (as the answer reads now).
 */
export async function renderSummary(tx: Kysely<Database>, questionId: number, source: string): Promise<string> {
  if (source.trim() === '') return '';
  const rows = await listQuotableAnswers(tx, questionId, referencedCommentIds(source));
  const answers = new Map(
    rows.map((row) => [row.id, { id: row.id, author: row.author, html: row.body_html, url: commentAddress(row.id) }]),
  );
  return linkAnswerReferences(renderCommentBody(source), answers);
}

/** A new revision of a question's summary, kept with who wrote it and when. */
export async function writeSummary(
  tx: Kysely<Database>,
  questionId: number,
  source: string,
  moderator: Moderator,
  at = new Date(),
): Promise<void> {
  const html = await renderSummary(tx, questionId, source);
  await insertSummaryRevision(tx, {
    question_id: questionId,
    moderator_id: moderator.id,
    moderator_name: moderator.name,
    body_source: source,
    body_html: html,
    created_at: at,
  });
  await setQuestionSummary(tx, questionId, { source, html, at });
}
