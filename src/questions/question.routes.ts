import { createHash } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { describeChallenge, issueToken } from '../captcha/challenge.js';
import { statusBadge } from '../conclusions/question-status.js';
import type { DB } from '../db/database.js';
import { findDiscussion } from '../discussions/discussion.repository.js';
import { notFound } from '../http/app-error.js';
import type { Csrf } from '../http/csrf.js';
import { parseId } from '../http/ids.js';
import type { RateLimits } from '../limits/rate-limits.js';
import { messages } from '../messages.js';
import { findFirstPost, findPostBySlug, listPosts } from '../posts/post.repository.js';
import type { PostRow } from '../posts/post.table.js';
import { renderPostBody } from '../posts/post-view.js';
import type { SettingsSource } from '../settings/settings.service.js';
import { longDate } from '../views/helpers/long-date.js';
import type { Templates } from '../views/templates.js';
import type { PageCache } from './page-cache.js';
import { ALL_POSTS } from './page-caches.js';
import { questionPath, toQuestion } from './question.js';
import { countApproved, listQuestionsWithCounts } from './question.repository.js';
import { questionBySlug } from './question.service.js';
import type { QuestionLookup } from './question-lookup.js';
import { LIVE_SCRIPT, type RenderThreadPage } from './thread-page.js';

export interface QuestionRoutesDeps {
  db: DB;
  templates: Templates;
  settings: SettingsSource;
  renderThreadPage: RenderThreadPage;
  publicUrl: string;
  secret: string;
  limits: RateLimits;
  csrf: Csrf;
  /** Rendered post pages and their ETags; the app empties it when any answer count changes. */
  postPages: PageCache<{ html: string; etag: string }>;
  questions: QuestionLookup;
}

const threadQuery = z.object({
  page: z
    .string()
    .regex(/^[1-9]\d{0,5}$/)
    .transform(Number)
    .optional(),
  replyto: z.string().transform(parseId).optional().catch(undefined),
});

export function questionRoutes(deps: QuestionRoutesDeps): Router {
  const { db, templates, settings, secret, renderThreadPage, publicUrl, limits, csrf, postPages } = deps;
  const router = Router();

  async function renderPost(post: PostRow) {
    const [questions, posts, discussion] = await Promise.all([
      listQuestionsWithCounts(db, post.id).then((rows) => rows.map(toQuestion)),
      listPosts(db),
      findDiscussion(db, post.id),
    ]);
    const date = longDate(post.published_on);
    const url = `${publicUrl}/posts/${post.slug}`;
    return templates.page('post', {
      title: post.title,
      scripts: [LIVE_SCRIPT],
      post: {
        title: post.title,
        category: post.category,
        date,
        bodyHtml: renderPostBody(post.body, questions, {
          line: post.source_line,
          title: post.source_title,
          name: post.source_name,
          date,
        }),
      },
      questions: questions.map((q) => ({ ...q, url: questionPath(q.slug), status: statusBadge(q.status) })),
      discussion: discussion && {
        url: `/posts/${post.slug}/discussion`,
        commentCount: await countApproved(db, discussion.id),
      },
      otherPosts: posts.filter((p) => p.id !== post.id).map((p) => ({ title: p.title, url: `/posts/${p.slug}` })),
      share: shareLinks(url, post.title),
    });
  }

  // The same for every reader: kept rendered until an answer count changes.
  const renderPostCached = (key: string, find: () => Promise<PostRow | undefined>) =>
    postPages.get(ALL_POSTS, key, async () => {
      const post = await find();
      if (!post) throw notFound('No post has been imported yet. Run `npm run import -- <file>`.');
      const html = await renderPost(post);
      return { html, etag: `"${createHash('sha1').update(html).digest('base64url')}"` };
    });

  /** A kept page with its ETag: a browser that has it gets a 304. */
  const sendPostPage = (req: Request, res: Response, page: { html: string; etag: string }) => {
    res.type('html').set('ETag', page.etag);
    if (req.fresh) res.status(304).end();
    else res.send(page.html);
  };

  router.get('/', async (req, res) => {
    sendPostPage(req, res, await renderPostCached('/', () => findFirstPost(db)));
  });

  router.get('/posts/:slug', async (req, res) => {
    const slug = req.params.slug;
    sendPostPage(req, res, await renderPostCached(`/posts/${slug}`, () => findPostBySlug(db, slug)));
  });

  router.get('/questions/:slug', async (req, res) => {
    const question = await deps.questions.find(req.params.slug);
    const query = threadQuery.safeParse(req.query);
    if (!query.success) throw notFound(messages.pageNotFound);
    await renderThreadPage(req, res, question, { pageNumber: query.data.page, replyToId: query.data.replyto });
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

  router.get('/api/questions', async (_req, res) => {
    const questions = (await listQuestionsWithCounts(db)).map(toQuestion);
    res.json({
      questions: questions.map((q) => ({
        id: q.id,
        slug: q.slug,
        wording: q.wording,
        quote: q.quote,
        passage: q.passage,
        answer_count: q.answerCount ?? 0,
        closed: q.closed,
        status: q.status,
        summary_html: q.summaryHtml,
        summary_updated_at: q.summaryUpdatedAt?.toISOString() ?? null,
        url: questionPath(q.slug),
        comments_url: `/api${questionPath(q.slug)}/comments`,
      })),
    });
  });

  return router;
}

/** Plain share links, as the seed shows them: no scripts, nothing loaded from elsewhere. */
function shareLinks(url: string, title: string) {
  const u = encodeURIComponent(url);
  const t = encodeURIComponent(title);
  return [
    { label: 'Facebook', href: `https://www.facebook.com/sharer/sharer.php?u=${u}` },
    { label: 'Twitter', href: `https://twitter.com/intent/tweet?url=${u}&text=${t}` },
    { label: 'LinkedIn', href: `https://www.linkedin.com/sharing/share-offsite/?url=${u}` },
    { label: 'E-mail', href: `mailto:?subject=${t}&body=${u}` },
    { label: 'RSS', href: '/feed.xml' },
  ];
}
