import { type Request, Router } from 'express';
import type { DB } from '../db/database.js';
import { AppError, notFound } from '../http/app-error.js';
import { formBody, jsonBody } from '../http/body-parsers.js';
import type { Csrf } from '../http/csrf.js';
import { wantsJson } from '../http/error-handler.js';
import { MAX_ID, parseId } from '../http/ids.js';
import { ensureVisitorId, rememberCommenter, visitorIdOf } from '../http/visitor.js';
import type { RateLimits } from '../limits/rate-limits.js';
import { messages } from '../messages.js';
import { commentOnPage, commentPath, type Question, questionPath, toQuestion } from '../questions/question.js';
import { findQuestionById } from '../questions/question.repository.js';
import { questionBySlug } from '../questions/question.service.js';
import { rememberedOrder } from '../questions/reader-order.js';
import type { RenderThreadPage } from '../questions/thread-page.js';
import type { SettingsSource } from '../settings/settings.service.js';
import type { Templates } from '../views/templates.js';
import type { Comment } from './comment.js';
import type { CommentService } from './comment.service.js';
import { parseCommentForm } from './comment-form.js';
import { commentJson } from './comment-view.js';

export interface CommentRoutesDeps {
  db: DB;
  templates: Templates;
  settings: SettingsSource;
  comments: CommentService;
  renderThreadPage: RenderThreadPage;
  limits: RateLimits;
  csrf: Csrf;
  /** The form's email checkboxes ask for mail here (src/mail/). */
  mail: { request(email: string, questionId: number, kinds: ('replies' | 'question')[]): Promise<void> };
}

/** The most comments one catch-up request returns; the client asks again from the last id. */
const CATCH_UP_LIMIT = 500;

export function commentRoutes(deps: CommentRoutesDeps): Router {
  const { db, templates, settings, comments, renderThreadPage, limits, csrf, mail } = deps;
  const router = Router();

  router.post('/questions/:slug/comments', formBody, jsonBody, async (req, res) => {
    const question = await questionBySlug(db, req.params.slug as string);
    const json = wantsJson(req);
    if (!req.is(['application/x-www-form-urlencoded', 'application/json'])) {
      throw new AppError(415, 'unsupported_media_type', messages.unsupportedMediaType);
    }
    const form = isPlainObject(req.body) ? parseCommentForm(req.body) : 'malformed';
    if (form === 'malformed') throw new AppError(400, 'malformed', messages.malformedRequest);

    try {
      csrf.check(req);
      if (!form.ok) throw new AppError(422, 'invalid', firstMessage(form.errors), form.errors);
      await limits.consume('commentsPerIp', req.ip ?? 'unknown');
      await limits.consume('commentsPerEmail', form.draft.email.toLowerCase());
      const visitorId = ensureVisitorId(req, res);
      const comment = await comments.postComment(question, form.draft, {
        ip: req.ip ?? null,
        userAgent: req.get('user-agent')?.slice(0, 500) ?? null,
        visitorId,
      });
      rememberCommenter(req, res, {
        author: form.draft.author,
        email: form.draft.email,
        url: form.draft.url ?? '',
        notifyReplies: form.notify.replies,
        notifyQuestion: form.notify.question,
      });
      const kinds = [
        ...(form.notify.replies ? (['replies'] as const) : []),
        ...(form.notify.question ? (['question'] as const) : []),
      ];
      // The comment is stored: a failure to subscribe is logged, never a lost answer.
      await mail.request(form.draft.email, question.id, kinds).catch((error: unknown) => {
        req.log.warn({ err: error }, 'could not record an email subscription');
      });
      // Straight to the comment, on the page of the thread it is on in the reader's order
      // (held ones too: their author sees them there, awaiting moderation). It is stored
      // already: should finding its page fail now, its lasting address leads there later,
      // and the post is not lost.
      const order = rememberedOrder(req);
      // A new answer is the last of the thread oldest first: its page is counted from the end.
      const near = comment.parentId === null ? 'end' : 'start';
      const page = await comments.pageOf(comment, order, near).catch((error: unknown) => {
        req.log.warn({ err: error }, 'could not find the page of a stored comment');
        return undefined;
      });
      const shownAt =
        page === undefined
          ? commentPath(question.slug, comment.id)
          : commentOnPage(question.slug, comment.id, page, order);
      if (json) {
        const { maxThreadDepth } = await settings.current();
        // A spammer is not told their comment went to spam: to them it is awaiting
        // moderation, in its status and in its html alike.
        const shown = comment.status === 'spam' ? { ...comment, status: 'pending' as const } : comment;
        const body = commentJson(shown, templates, { maxDepth: maxThreadDepth, ownIds: new Set([comment.id]) });
        res.status(201).location(shownAt).json(body);
        return;
      }
      res.redirect(303, shownAt);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || json) throw error;
      // The form comes back with everything typed and a message at each bad field.
      if (error.retryAfterSeconds !== undefined) res.set('Retry-After', String(error.retryAfterSeconds));
      await renderThreadPage(req, res, question, {
        status: error.status,
        form: {
          values: form.values,
          errors: Object.keys(error.fields).length > 0 ? error.fields : { form: error.message },
        },
      });
    }
  });

  /**
   * Where a comment is shown now: the page of its thread it is on in the reader's order
   * (which changes as the thread grows), or its question's page when it is not shown
   * (removed, or held and not this visitor's).
   */
  async function whereShown(req: Request, question: Question, found: { comment: Comment; visible: boolean }) {
    if (!found.visible) return questionPath(question.slug);
    const order = rememberedOrder(req);
    return commentOnPage(question.slug, found.comment.id, await comments.pageOf(found.comment, order), order);
  }

  // A comment's lasting addresses: the short one (feeds, the moderation pages, "replying
  // to" links across pages) and the one under its question.
  router.get('/comments/:id', async (req, res) => {
    const id = parseId(req.params.id);
    const found = id === undefined ? undefined : await comments.locate(id, visitorIdOf(req));
    const question = found ? await findQuestionById(db, found.comment.questionId) : undefined;
    if (!found || !question) throw notFound(messages.commentNotFound);
    res.redirect(302, await whereShown(req, toQuestion(question), found));
  });

  router.get('/questions/:slug/comments/:id', async (req, res) => {
    const question = await questionBySlug(db, req.params.slug);
    const id = parseId(req.params.id);
    const found = id === undefined ? undefined : await comments.locate(id, visitorIdOf(req));
    if (found?.comment.questionId !== question.id) throw notFound(messages.commentNotFound);
    res.redirect(302, await whereShown(req, question, found));
  });

  router.get('/api/questions/:slug/comments', async (req, res) => {
    const question = await questionBySlug(db, req.params.slug);
    const after = req.query.after ?? '0';
    if (typeof after !== 'string' || !/^\d{1,10}$/.test(after)) {
      throw new AppError(400, 'invalid_after', messages.afterNotWholeNumber, { after: messages.afterNotWholeNumber });
    }
    // Nothing is newer than the largest id there can be.
    const list = await comments.listSince(question, Math.min(Number(after), MAX_ID), CATCH_UP_LIMIT + 1);
    const page = list.slice(0, CATCH_UP_LIMIT);
    const { maxThreadDepth } = await settings.current();
    res.json({
      question: { slug: question.slug, wording: question.wording },
      comments: page.map((c) => commentJson(c, templates, { maxDepth: maxThreadDepth })),
      has_more: list.length > CATCH_UP_LIMIT,
    });
  });

  return router;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstMessage(errors: Record<string, string>): string {
  return Object.values(errors)[0] ?? messages.malformedRequest;
}
