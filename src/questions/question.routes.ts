import { Router } from 'express';
import { z } from 'zod';
import { describeChallenge, issueToken } from '../captcha/challenge.js';
import type { DB } from '../db/database.js';
import { notFound } from '../http/app-error.js';
import type { Csrf } from '../http/csrf.js';
import { parseId } from '../http/ids.js';
import type { RateLimits } from '../limits/rate-limits.js';
import { messages } from '../messages.js';
import type { SettingsSource } from '../settings/settings.service.js';
import { type ListedQuestion, loadQuestionList, type QuestionList, toListedQuestion } from './front-page.js';
import { listKey, parseListQuery, questionsUrl } from './front-page.routes.js';
import type { PageCache } from './page-cache.js';
import { ALL_POSTS } from './page-caches.js';
import { listQuestionsWithCounts } from './question.repository.js';
import { questionBySlug } from './question.service.js';
import type { QuestionLookup } from './question-lookup.js';
import { chooseOrder, sortParam } from './reader-order.js';
import type { RenderThreadPage } from './thread-page.js';

export interface QuestionRoutesDeps {
  db: DB;
  settings: SettingsSource;
  renderThreadPage: RenderThreadPage;
  secret: string;
  limits: RateLimits;
  csrf: Csrf;
  /** Kept pages of questions lists, shared with GET /questions. */
  questionLists: PageCache<QuestionList | undefined>;
  questions: QuestionLookup;
}

const threadQuery = z.object({
  page: z
    .string()
    .regex(/^[1-9]\d{0,5}$/)
    .transform(Number)
    .optional(),
  replyto: z.string().transform(parseId).optional().catch(undefined),
  sort: sortParam,
});

export function questionRoutes(deps: QuestionRoutesDeps): Router {
  const { db, settings, secret, renderThreadPage, limits, csrf, questionLists } = deps;
  const router = Router();

  router.get('/questions/:slug', async (req, res) => {
    const question = await deps.questions.find(req.params.slug);
    const query = threadQuery.safeParse(req.query);
    if (!query.success) throw notFound(messages.pageNotFound);
    await renderThreadPage(req, res, question, {
      pageNumber: query.data.page,
      replyToId: query.data.replyto,
      order: chooseOrder(req, res, query.data.sort),
    });
  });

  // A fresh captcha (and the CSRF token) for a form that has used its own, or for a
  // JSON client: the live script asks after each post.
  router.get('/api/questions/:slug/captcha', async (req, res) => {
    const question = await questionBySlug(db, req.params.slug);
    await limits.consume('captchasPerIp', req.ip ?? 'unknown');
    const { captchaTtlMinutes } = await settings.current();
    const { token, claims } = issueToken(secret, question.id, { ttlMs: captchaTtlMinutes * 60_000 });
    res
      .set('Cache-Control', 'no-store')
      .json({ label: describeChallenge(claims.challenge), token, csrf_token: csrf.token(req, res) });
  });

  // As it always was without a query: every question, in post order. With `sort`, `status`,
  // `post` or `page`: GET /questions's page of them, with its paging.
  router.get('/api/questions', async (req, res) => {
    const paged = ['sort', 'status', 'post', 'page'].some((key) => key in req.query);
    if (!paged) {
      res.json({ questions: (await listQuestionsWithCounts(db)).map((row) => questionJson(toListedQuestion(row))) });
      return;
    }
    const query = parseListQuery(req.query);
    const list = await questionLists.get(ALL_POSTS, listKey(query), () => loadQuestionList(db, query));
    if (!list) throw notFound(query.post ? messages.postNotFound : messages.listPageNotFound);
    res.json({
      questions: list.questions.map((question) => questionJson(question)),
      total: list.total,
      page: list.page,
      page_count: list.pageCount,
      next_url:
        list.page < list.pageCount
          ? `/api${questionsUrl({ ...query, page: list.page + 1 }).replaceAll('&amp;', '&')}`
          : null,
    });
  });

  return router;
}

/** A question in /api/questions: today's fields, then its post, last activity and status. */
function questionJson(question: ListedQuestion) {
  return {
    id: question.id,
    slug: question.slug,
    wording: question.wording,
    quote: question.quote,
    passage: question.passage,
    answer_count: question.answerCount,
    closed: question.closed,
    url: question.url,
    comments_url: `/api${question.url}/comments`,
    post: question.post ? { title: question.post.title, url: question.post.url } : undefined,
    last_answer_at: question.lastAnswerAt?.toISOString() ?? null,
    status: question.status?.key ?? 'open',
    summary_html: question.summaryHtml,
    summary_updated_at: question.summaryUpdatedAt?.toISOString() ?? null,
  };
}
