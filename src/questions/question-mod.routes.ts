import type { Request, Response, Router } from 'express';
import { STATUS_LABELS } from '../conclusions/question-status.js';
import type { DB } from '../db/database.js';
import { notFound } from '../http/app-error.js';
import { wantsJson } from '../http/error-handler.js';
import { isId } from '../http/ids.js';
import { messages } from '../messages.js';
import { renderModPage, setNotice } from '../moderation/mod-page.js';
import { signedInModerator } from '../moderators/guards.js';
import { listPosts } from '../posts/post.repository.js';
import type { Templates } from '../views/templates.js';
import { questionPath, toQuestion } from './question.js';
import { findQuestionById, listQuestionsWithCounts } from './question.repository.js';
import { questionStatuses } from './question.table.js';
import { parseQuestionForm, type QuestionModeration } from './question-moderation.service.js';

function questionId(req: Request): number {
  const id = String(req.params.id ?? '');
  if (!isId(id)) throw notFound(messages.questionNotFound);
  return Number(id);
}

/**
 * /mod/questions: list, add, reword, close and reopen questions. Registered on the
 * moderation router, after its guards (signed-in moderator, CSRF).
 */
export function registerQuestionModeration(
  router: Router,
  deps: { db: DB; templates: Templates; questions: QuestionModeration },
): void {
  const { db, templates, questions } = deps;

  const done = (req: Request, res: Response, outcome: object, notice: string) => {
    if (wantsJson(req)) res.json(outcome);
    else {
      setNotice(req, notice);
      res.redirect(303, '/mod/questions');
    }
  };

  router.get('/mod/questions', async (_req, res) => {
    const [rows, posts] = await Promise.all([listQuestionsWithCounts(db), listPosts(db)]);
    const titles = new Map(posts.map((post) => [post.id, post.title]));
    renderModPage(res, templates, 'mod-questions', {
      title: 'Questions',
      section: 'questions',
      questions: rows.map((row) => {
        const question = toQuestion(row);
        return {
          ...question,
          url: questionPath(question.slug),
          post: titles.get(question.postId) ?? '',
        };
      }),
    });
  });

  const renderForm = async (
    res: Response,
    form: {
      status?: number;
      id?: number;
      values: Record<string, string>;
      errors: Record<string, string>;
    },
  ) => {
    const posts = await listPosts(db);
    renderModPage(res, templates, 'mod-question-form', {
      title: form.id ? 'Edit question' : 'Add a question',
      section: 'questions',
      status: form.status,
      action: form.id ? `/mod/questions/${form.id}/edit` : '/mod/questions',
      editing: form.id !== undefined,
      posts: posts.map((post) => ({
        id: post.id,
        title: post.title,
        selected: String(post.id) === form.values.post_id,
      })),
      values: form.values,
      statuses: questionStatuses.map((status) => ({
        value: status,
        label: STATUS_LABELS[status],
        checked: (form.values.status ?? 'open') === status,
      })),
      errors: form.errors,
      errorList: Object.entries(form.errors).map(([field, message]) => ({ field, message })),
    });
  };

  router.get('/mod/questions/new', async (_req, res) => {
    await renderForm(res, { values: { wording: '', passage: '', post_id: '' }, errors: {} });
  });

  router.post('/mod/questions', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const form = parseQuestionForm(body);
    const postId = typeof body.post_id === 'string' && isId(body.post_id) ? Number(body.post_id) : null;
    const posts = await listPosts(db);
    const errors = form.ok ? {} : { ...form.errors };
    if (!postId || !posts.some((post) => post.id === postId)) errors.post_id = messages.postRequired;
    if (!form.ok || Object.keys(errors).length > 0 || !postId) {
      const values = form.ok ? { ...form.text } : form.values;
      await renderForm(res, { status: 422, values: { ...values, post_id: String(body.post_id ?? '') }, errors });
      return;
    }
    const question = await questions.add(postId, form.text, signedInModerator(res));
    done(req, res, { id: question.id, slug: question.slug }, `Added “${question.wording}”.`);
  });

  router.get('/mod/questions/:id/edit', async (req, res) => {
    const row = await findQuestionById(db, questionId(req));
    if (!row) throw notFound(messages.questionNotFound);
    await renderForm(res, {
      id: row.id,
      values: {
        wording: row.wording,
        passage: row.passage,
        post_id: String(row.post_id),
        status: row.status,
        summary: row.summary_source,
      },
      errors: {},
    });
  });

  router.post('/mod/questions/:id/edit', async (req, res) => {
    const id = questionId(req);
    const form = parseQuestionForm(req.body ?? {});
    if (!form.ok) {
      await renderForm(res, { status: 422, id, values: form.values, errors: form.errors });
      return;
    }
    const question = await questions.edit(id, form.text, signedInModerator(res));
    done(req, res, { id: question.id, status: question.status }, `Saved “${question.wording}”.`);
  });

  for (const [path, closed] of [
    ['close', true],
    ['reopen', false],
  ] as const) {
    router.post(`/mod/questions/:id/${path}`, async (req, res) => {
      const question = await questions.setClosed(questionId(req), closed, signedInModerator(res));
      done(
        req,
        res,
        { id: question.id, closed: question.closed },
        `${closed ? 'Closed' : 'Reopened'} “${question.wording}”.`,
      );
    });
  }
}
