import { type Request, type Response, Router } from 'express';
import { type Comment, reportPath } from '../comments/comment.js';
import type { CommentService } from '../comments/comment.service.js';
import type { DB } from '../db/database.js';
import { AppError, notFound } from '../http/app-error.js';
import { formBody } from '../http/body-parsers.js';
import { isId } from '../http/ids.js';
import { returningVisitorIdOf } from '../http/visitor.js';
import type { RateLimits } from '../limits/rate-limits.js';
import { messages } from '../messages.js';
import { commentPath, type Question, questionPath } from '../questions/question.js';
import { questionById, questionBySlug } from '../questions/question.service.js';
import type { Templates } from '../views/templates.js';
import { excerpt } from './queue-view.js';
import { parseReportForm, type ReportService } from './report.service.js';

const REASONS = [
  { value: 'spam', label: 'Spam', hint: 'Advertising, or posted by a bot.' },
  { value: 'abuse', label: 'Abuse', hint: 'Insults, threats, harassment or hate.' },
  { value: 'off-topic', label: 'Off-topic', hint: 'Nothing to do with the question.' },
  { value: 'other', label: 'Something else', hint: 'Say what in the note.' },
];

/** The public "Report" page for a comment: a plain form, so it works without JavaScript. */
export function reportRoutes(deps: {
  db: DB;
  templates: Templates;
  reports: ReportService;
  comments: CommentService;
  limits: RateLimits;
}): Router {
  const { db, templates, reports, comments, limits } = deps;
  const router = Router();

  /** The approved comment being reported, and its question: named by the longer path, else the comment's own. */
  async function target(req: Request) {
    const named = req.params.slug === undefined ? undefined : await questionBySlug(db, String(req.params.slug));
    const id = String(req.params.id);
    const comment = isId(id) ? (await comments.locate(Number(id), undefined))?.comment : undefined;
    if (comment?.status !== 'approved' || (named && comment.questionId !== named.id)) {
      throw notFound(messages.commentNotFound);
    }
    const question = named ?? (await questionById(db, comment.questionId));
    return { question, comment };
  }

  const render = (
    res: Response,
    question: Question,
    comment: Pick<Comment, 'id' | 'author' | 'html'>,
    form: { status?: number; values: Record<string, string>; errors: Record<string, string>; done?: string },
  ) => {
    res
      .status(form.status ?? 200)
      .type('html')
      .send(
        templates.page('report', {
          title: 'Report a comment',
          question: { wording: question.wording, url: questionPath(question.slug) },
          comment: {
            id: comment.id,
            author: comment.author,
            excerpt: excerpt(comment.html, 300),
            url: commentPath(question.slug, comment.id),
          },
          action: reportPath(comment.id),
          reasons: REASONS.map((reason) => ({ ...reason, checked: reason.value === form.values.reason })),
          values: form.values,
          errors: form.errors,
          errorList: Object.entries(form.errors).map(([field, message]) => ({
            field: field === 'reason' || field === 'form' ? 'reason-spam' : field,
            message,
          })),
          done: form.done,
        }),
      );
  };

  const paths = ['/comments/:id/report', '/questions/:slug/comments/:id/report'];

  router.get(paths, async (req, res) => {
    const { question, comment } = await target(req);
    render(res, question, comment, { values: { reason: '', note: '' }, errors: {} });
  });

  router.post(paths, formBody, async (req, res) => {
    const { question, comment } = await target(req);
    const form = parseReportForm(req.body ?? {});
    if (!form.ok) {
      render(res, question, comment, { status: 422, values: form.values, errors: form.errors });
      return;
    }
    // Counted before anything else, so a script sending reports in bulk is slowed down
    // whatever it sends; the form comes back with what was typed.
    try {
      await limits.consume('reportsPerIp', req.ip ?? 'unknown');
    } catch (error) {
      if (!(error instanceof AppError) || error.retryAfterSeconds === undefined) throw error;
      res.set('Retry-After', String(error.retryAfterSeconds));
      render(res, question, comment, { status: error.status, values: form.values, errors: { form: error.message } });
      return;
    }
    // Only a browser shown a page before (it carries the cookie the forum signed) is a
    // reader whose report counts; the page this answer shows gives it one.
    const visitorId = returningVisitorIdOf(req);
    if (!visitorId) {
      render(res, question, comment, {
        status: 403,
        values: form.values,
        errors: { form: messages.reportCookieMissing },
      });
      return;
    }
    try {
      await reports.reportComment({ commentId: comment.id, questionId: question.id }, form.report, {
        visitorId,
        ip: req.ip ?? null,
      });
      render(res, question, comment, { values: {}, errors: {}, done: messages.reportThanks });
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 409) throw error;
      render(res, question, comment, { status: 409, values: {}, errors: {}, done: error.message });
    }
  });

  return router;
}
