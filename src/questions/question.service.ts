import type { DB } from '../db/database.js';
import { notFound } from '../http/app-error.js';
import { messages } from '../messages.js';
import { type Question, toQuestion } from './question.js';
import { findQuestionById, findQuestionBySlug } from './question.repository.js';

/** A question by its slug, or a 404 that says there is none. */
export async function questionBySlug(db: DB, slug: string): Promise<Question> {
  const row = await findQuestionBySlug(db, slug);
  if (!row) throw notFound(messages.questionNotFound);
  return toQuestion(row);
}

/** A question by its id, or a 404. */
export async function questionById(db: DB, id: number): Promise<Question> {
  const row = await findQuestionById(db, id);
  if (!row) throw notFound(messages.questionNotFound);
  return toQuestion(row);
}
