import { z } from 'zod';
import { appendLogEntry } from '../audit/audit-log.repository.js';
import { setQuestionStatus } from '../conclusions/summary.repository.js';
import { SUMMARY_LIMIT, writeSummary } from '../conclusions/summary.service.js';
import type { DB } from '../db/database.js';
import type { EventLog, RecordEvent } from '../events/event-log.js';
import { AppError, notFound } from '../http/app-error.js';
import { messages } from '../messages.js';
import type { Moderator } from '../moderators/moderator.js';
import { takenQuestionSlugs } from '../posts/post.repository.js';
import { slugify } from '../posts/post-text.js';
import { type Question, toQuestion } from './question.js';
import {
  insertQuestion,
  lockQuestion,
  nextPosition,
  setQuestionClosed,
  updateQuestionText,
} from './question.repository.js';
import { type QuestionRow, questionStatuses } from './question.table.js';

const WORDING_LIMIT = 300;
const PASSAGE_LIMIT = 5_000;

const questionForm = z.object({
  wording: z
    .string()
    .trim()
    .min(1, messages.wordingRequired)
    .max(WORDING_LIMIT, messages.wordingTooLong(WORDING_LIMIT)),
  passage: z.string().trim().max(PASSAGE_LIMIT, messages.passageTooLong(PASSAGE_LIMIT)),
  // Absent (an older form, a script changing the wording only): left as they are.
  status: z.enum(questionStatuses, messages.statusInvalid).optional(),
  summary: z.string().trim().max(SUMMARY_LIMIT, messages.summaryTooLong(SUMMARY_LIMIT)).optional(),
});

export type QuestionText = z.infer<typeof questionForm>;

/** The add/edit question form. Pure. */
export function parseQuestionForm(
  body: Record<string, unknown>,
): { ok: true; text: QuestionText } | { ok: false; values: Record<string, string>; errors: Record<string, string> } {
  const values: Record<string, string> = {
    wording: typeof body.wording === 'string' ? body.wording : '',
    passage: typeof body.passage === 'string' ? body.passage.replace(/\r\n?/g, '\n') : '',
  };
  if (typeof body.status === 'string') values.status = body.status;
  if (typeof body.summary === 'string') values.summary = body.summary.replace(/\r\n?/g, '\n');
  const parsed = questionForm.safeParse(values);
  if (parsed.success) return { ok: true, text: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  return { ok: false, values, errors };
}

/** What moderators do to questions: reword them, add them, close and reopen them. */
export function createQuestionModeration(deps: { log: EventLog }) {
  const { log } = deps;

  async function change(
    id: number,
    moderator: Moderator,
    action: string,
    apply: (tx: DB, row: QuestionRow, record: RecordEvent) => Promise<unknown>,
    details: (before: QuestionRow) => Record<string, unknown> | null,
  ): Promise<Question> {
    return log.transaction(async (tx, record) => {
      const row = await lockQuestion(tx, id);
      if (!row) throw notFound(messages.questionNotFound);
      await apply(tx, row, record);
      const after = await lockQuestion(tx, id);
      await appendLogEntry(tx, { moderator, action, questionId: id, details: details(row) });
      await record({ type: 'question.updated', questionId: id });
      return toQuestion(after ?? row);
    });
  }

  /**
   * The form's fields as they differ from the stored question. A summary changed is a
   * new revision (kept in public, with its author) and its own event, for followers.
   */
  const changedFields = (before: QuestionRow, text: QuestionText) => [
    ...(['wording', 'passage'] as const).filter((field) => before[field] !== text[field]),
    ...(text.status !== undefined && text.status !== before.status ? ['status' as const] : []),
    ...(text.summary !== undefined && text.summary !== before.summary_source ? ['summary' as const] : []),
  ];

  const edit = (id: number, text: QuestionText, moderator: Moderator) =>
    change(
      id,
      moderator,
      'edit-question',
      async (tx, row, record) => {
        const changed = changedFields(row, text);
        await updateQuestionText(tx, id, { wording: text.wording, passage: text.passage });
        if (changed.includes('status') && text.status) await setQuestionStatus(tx, id, text.status);
        if (changed.includes('summary') && text.summary !== undefined) {
          await writeSummary(tx, id, text.summary, moderator);
          await record({ type: 'question.summarised', questionId: id });
        }
      },
      (before) => ({
        changed: changedFields(before, text),
        ...(text.status !== undefined && text.status !== before.status
          ? { status: { from: before.status, to: text.status } }
          : {}),
      }),
    );

  const setClosed = (id: number, closed: boolean, moderator: Moderator) =>
    change(
      id,
      moderator,
      closed ? 'close-question' : 'reopen-question',
      async (tx, row) => {
        if ((row.closed_at !== null) === closed) {
          throw new AppError(409, 'already', closed ? messages.alreadyClosed : messages.alreadyOpen);
        }
        await setQuestionClosed(tx, id, closed ? new Date() : null);
      },
      () => null,
    );

  /** A new question on a post, with no quote in the post body (it is not linked from it). */
  async function add(postId: number, text: QuestionText, moderator: Moderator): Promise<Question> {
    return log.transaction(async (tx, record) => {
      const taken = await takenQuestionSlugs(tx);
      const base = slugify(text.wording) || 'question';
      let slug = base;
      for (let n = 2; taken.has(slug); n += 1) slug = `${base}-${n}`;
      const row = await insertQuestion(tx, {
        post_id: postId,
        slug,
        position: await nextPosition(tx, postId),
        wording: text.wording,
        quote: '',
        quote_start: null,
        passage: text.passage,
      });
      await appendLogEntry(tx, { moderator, action: 'add-question', questionId: row.id, details: { slug } });
      await record({ type: 'question.added', questionId: row.id });
      return toQuestion(row);
    });
  }

  return { edit, setClosed, add };
}

export type QuestionModeration = ReturnType<typeof createQuestionModeration>;
