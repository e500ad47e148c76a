import { createHash } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { DB } from '../db/database.js';
import { findDiscussion } from '../discussions/discussion.repository.js';
import { AppError, notFound } from '../http/app-error.js';
import { ensureVisitorId, visitorIdOf } from '../http/visitor.js';
import { messages } from '../messages.js';
import { findFirstPost, findPostBySlug, listPostsNewestFirst } from '../posts/post.repository.js';
import type { PostRow } from '../posts/post.table.js';
import { renderPostBody } from '../posts/post-view.js';
import { longDate } from '../views/helpers/long-date.js';
import type { Templates } from '../views/templates.js';
import type { Visits } from '../visits/visits.service.js';
import {
  type FrontPage,
  type ListedQuestion,
  loadFrontPage,
  loadQuestionList,
  postPath,
  type QuestionList,
  toListedQuestion,
} from './front-page.js';
import type { PageCache } from './page-cache.js';
import { ALL_POSTS } from './page-caches.js';
import { commentPath, toQuestion } from './question.js';
import { countApproved, listQuestionsWithCounts } from './question.repository.js';
import { type QuestionSort, questionSorts } from './question-list.repository.js';
import { LIVE_SCRIPT, pageWindow } from './thread-page.js';

/** A post page as every reader sees it, kept until an answer count changes; "N new" is merged per reader. */
export interface PostPage {
  title: string;
  post: { title: string; category: string | null; date: string; bodyHtml: string };
  questions: ListedQuestion[];
  otherPosts: { title: string; url: string }[];
  share: { label: string; href: string }[];
  /** An imported post's own discussion (its WordPress comments), when it has one. */
  discussion: { url: string; commentCount: number } | null;
}

export interface FrontPageRoutesDeps {
  db: DB;
  templates: Templates;
  publicUrl: string;
  visits: Visits;
  /** Kept pages (as view models), all in the ALL_POSTS group: any answer count change drops them. */
  postPages: PageCache<PostPage>;
  frontPages: PageCache<FrontPage | undefined>;
  questionLists: PageCache<QuestionList | undefined>;
}

/** How many other posts a post page names under "More posts"; the front page lists them all. */
const OTHER_POSTS_SHOWN = 10;

const pageNumber = z
  .string()
  .regex(/^[1-9]\d{0,5}$/)
  .transform(Number)
  .default(1);
const frontQuery = z.object({ page: pageNumber });
const listQuery = z.object({
  sort: z.enum(questionSorts).default('active'),
  status: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,39}$/)
    .optional(),
  post: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,199}$/)
    .optional(),
  page: pageNumber,
});
export type ListQuery = z.infer<typeof listQuery>;

/** The query of GET /questions and /api/questions, or a 400 that says what is allowed. */
export function parseListQuery(query: unknown): ListQuery {
  const parsed = listQuery.safeParse(query);
  if (!parsed.success) throw new AppError(400, 'bad_query', messages.listQueryInvalid);
  return parsed.data;
}

const SORT_LABELS: Record<QuestionSort, string> = {
  active: 'Last answer',
  newest: 'Newest',
  answers: 'Most answers',
};

/**
 * The front page (one post: that post; more: an index of posts, newest featured), each
 * post's page, and every question at /questions. All are kept as view models shared by
 * every reader; each request reads the reader's marks (one row) and merges "N new" in.
 */
export function frontPageRoutes(deps: FrontPageRoutesDeps): Router {
  const { db, templates, publicUrl, visits, postPages, frontPages, questionLists } = deps;
  const router = Router();

  async function loadPostPage(post: PostRow): Promise<PostPage> {
    const [rows, newest, discussion] = await Promise.all([
      listQuestionsWithCounts(db, post.id),
      listPostsNewestFirst(db, { limit: OTHER_POSTS_SHOWN + 1, offset: 0 }),
      findDiscussion(db, post.id),
    ]);
    const date = longDate(post.published_on);
    return {
      title: post.title,
      post: {
        title: post.title,
        category: post.category,
        date,
        bodyHtml: renderPostBody(post.body, rows.map(toQuestion), {
          line: post.source_line,
          title: post.source_title,
          name: post.source_name,
          date,
        }),
      },
      questions: rows.map(toListedQuestion),
      otherPosts: newest
        .filter((p) => p.id !== post.id)
        .slice(0, OTHER_POSTS_SHOWN)
        .map((p) => ({ title: p.title, url: postPath(p.slug) })),
      share: shareLinks(`${publicUrl}${postPath(post.slug)}`, post.title),
      discussion: discussion
        ? { url: `${postPath(post.slug)}/discussion`, commentCount: await countApproved(db, discussion.id) }
        : null,
    };
  }

  const keptPostPage = (key: string, find: () => Promise<PostRow | undefined>, missing: string) =>
    postPages.get(ALL_POSTS, key, async () => {
      const post = await find();
      if (!post) throw notFound(missing);
      return loadPostPage(post);
    });

  /**
   * The reader's "N new" for these questions: their marks (one row, read before this
   * response may give them a visitor id) and one count query when something is new.
   */
  async function withNews(req: Request, res: Response, questions: readonly ListedQuestion[]) {
    const reader = await visits.marksOf(visitorIdOf(req));
    // The next thread they open is remembered from then on.
    ensureVisitorId(req, res);
    const news = await visits.newAnswers(reader, questions);
    return (question: ListedQuestion): { html: string } => {
      const found = news.get(question.id);
      if (!found) return { html: sharedItem(question) };
      const url = commentPath(question.slug, found.firstId);
      return { html: templates.partial('question-item', { ...question, news: { count: found.count, url } }) };
    };
  }

  /**
   * A question's list item as every reader without news sees it, rendered once per kept
   * question (a front page has a hundred or more: rendering them on every view was most
   * of its time). Dropped with the kept page the question belongs to.
   */
  const sharedItems = new WeakMap<ListedQuestion, string>();
  function sharedItem(question: ListedQuestion): string {
    let html = sharedItems.get(question);
    if (html === undefined) {
      html = templates.partial('question-item', question);
      sharedItems.set(question, html);
    }
    return html;
  }

  async function sendPostPage(req: Request, res: Response, page: PostPage) {
    const merge = await withNews(req, res, page.questions);
    sendPersonal(
      req,
      res,
      templates.page('post', { ...page, scripts: [LIVE_SCRIPT], questions: page.questions.map(merge) }),
    );
  }

  router.get('/', async (req, res) => {
    const query = frontQuery.safeParse(req.query);
    if (!query.success) throw notFound(messages.listPageNotFound);
    const page = query.data.page;
    const front = await frontPages.get(ALL_POSTS, `front:${page}`, () => loadFrontPage(db, page));
    if (!front) throw notFound(messages.listPageNotFound);
    if (front.kind === 'single') {
      await sendPostPage(req, res, await keptPostPage('/', () => findFirstPost(db), messages.noPostYet));
      return;
    }
    const { index } = front;
    const all = [...(index.featured?.questions ?? []), ...index.posts.flatMap((post) => post.questions)];
    const merge = await withNews(req, res, all);
    const withMerged = <T extends { questions: ListedQuestion[] }>(post: T) => ({
      ...post,
      questions: post.questions.map(merge),
    });
    sendPersonal(
      req,
      res,
      templates.page('index', {
        title: index.page === 1 ? 'Posts and their open questions' : `Posts, page ${index.page}`,
        scripts: [LIVE_SCRIPT],
        page: index.page,
        featured: index.featured && {
          ...withMerged(index.featured),
          openingParagraphs: index.featured.opening.split('\n\n'),
        },
        posts: index.posts.map(withMerged),
        pagination: listPagination(
          index.page,
          index.pageCount,
          (n) => (n === 1 ? '/' : `/?page=${n}`),
          'Pages of posts',
        ),
      }),
    );
  });

  router.get('/posts/:slug', async (req, res) => {
    const slug = req.params.slug;
    await sendPostPage(
      req,
      res,
      await keptPostPage(`/posts/${slug}`, () => findPostBySlug(db, slug), messages.postNotFound),
    );
  });

  router.get('/questions', async (req, res) => {
    const query = parseListQuery(req.query);
    const list = await questionLists.get(ALL_POSTS, listKey(query), () => loadQuestionList(db, query));
    if (!list) throw notFound(query.post ? messages.postNotFound : messages.listPageNotFound);
    const merge = await withNews(req, res, list.questions);
    const post = query.post ? list.questions[0]?.post : undefined;
    sendPersonal(
      req,
      res,
      templates.page('questions', {
        title: 'All questions',
        scripts: [LIVE_SCRIPT],
        total: list.total,
        post: query.post ? { slug: query.post, title: post?.title ?? query.post, url: postPath(query.post) } : null,
        status: query.status ?? null,
        sorts: questionSorts.map((sort) => ({
          label: SORT_LABELS[sort],
          url: questionsUrl({ ...query, sort, page: 1 }),
          current: sort === query.sort,
        })),
        questions: list.questions.map(merge),
        pagination: listPagination(
          list.page,
          list.pageCount,
          (n) => questionsUrl({ ...query, page: n }),
          'Pages of questions',
        ),
      }),
    );
  });

  return router;
}

/** The key a list is kept under: its normalised query. */
export function listKey(query: ListQuery): string {
  return `questions:${query.sort}:${query.status ?? ''}:${query.post ?? ''}:${query.page}`;
}

/**
 * A page of /questions with these choices; defaults left out. Escaped for an attribute
 * (the pagination partial emits URLs as they are): values are checked by listQuery.
 */
export function questionsUrl(query: ListQuery): string {
  const params = new URLSearchParams();
  if (query.sort !== 'active') params.set('sort', query.sort);
  if (query.status) params.set('status', query.status);
  if (query.post) params.set('post', query.post);
  if (query.page > 1) params.set('page', String(query.page));
  const search = params.toString().replaceAll('&', '&amp;');
  return search ? `/questions?${search}` : '/questions';
}

function listPagination(current: number, count: number, url: (page: number) => string, label: string) {
  if (count <= 1) return null;
  return {
    label,
    previous: current > 1 ? url(current - 1) : null,
    next: current < count ? url(current + 1) : null,
    pages: pageWindow(current, count).map((page) =>
      page === null ? { gap: true } : { number: page, url: url(page), current: page === current },
    ),
  };
}

/**
 * A page with the reader's own marks in it: its ETag is its hash, so a browser that has
 * this very page gets a 304, and `private` keeps shared caches from handing it to others.
 */
function sendPersonal(req: Request, res: Response, html: string) {
  res
    .type('html')
    .set('ETag', `"${createHash('sha1').update(html).digest('base64url')}"`)
    .set('Cache-Control', 'private, no-cache');
  if (req.fresh) res.status(304).end();
  else res.send(html);
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
