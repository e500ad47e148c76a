import type { DB } from '../db/database.js';
import {
  countPosts,
  findPostById,
  findPostBySlug,
  listPostsNewestFirst,
  listQuestionsOfPosts,
} from '../posts/post.repository.js';
import { postOpening } from '../posts/post-view.js';
import { longDate } from '../views/helpers/long-date.js';
import { questionPath } from './question.js';
import type { QuestionRow } from './question.table.js';
import {
  countQuestions,
  hasQuestionStatus,
  type ListedQuestionRow,
  listQuestionPage,
  type QuestionListFilter,
} from './question-list.repository.js';
import { type StatusView, statusView } from './question-status.js';

/** Posts on a page of the front page, besides the featured one: each lists its questions. */
export const POSTS_PER_PAGE = 10;
export const QUESTIONS_PER_PAGE = 30;

/** A question as lists show it: the same for every reader, so it can be kept. */
export interface ListedQuestion {
  id: number;
  slug: string;
  wording: string;
  quote: string;
  passage: string;
  url: string;
  answerCount: number;
  lastAnswerId: number | null;
  lastAnswerAt: Date | null;
  closed: boolean;
  status: StatusView | null;
  summaryHtml: string;
  summaryUpdatedAt: Date | null;
  post?: { title: string; url: string };
}

export interface PostSummary {
  title: string;
  url: string;
  category: string | null;
  date: string;
  /** The newest answer to any of its questions. */
  lastAnswerAt: Date | null;
  questions: ListedQuestion[];
}

export interface FrontIndex {
  featured: (PostSummary & { opening: string }) | null;
  posts: PostSummary[];
  page: number;
  pageCount: number;
}

/** With one post the front page is that post, as it always was; with more, an index. */
export type FrontPage = { kind: 'single' } | { kind: 'index'; index: FrontIndex };

export interface QuestionList {
  questions: ListedQuestion[];
  total: number;
  page: number;
  pageCount: number;
}

export function postPath(slug: string): string {
  return `/posts/${encodeURIComponent(slug)}`;
}

export function toListedQuestion(row: QuestionRow | ListedQuestionRow): ListedQuestion {
  const listed: ListedQuestion = {
    id: row.id,
    slug: row.slug,
    wording: row.wording,
    quote: row.quote,
    passage: row.passage,
    url: questionPath(row.slug),
    answerCount: row.answer_count,
    lastAnswerId: row.last_answer_id,
    lastAnswerAt: row.last_answer_at,
    closed: row.closed_at !== null,
    status: statusView(row),
    summaryHtml: row.summary_html,
    summaryUpdatedAt: row.summary_updated_at === null ? null : new Date(row.summary_updated_at),
  };
  if ('post_slug' in row) listed.post = { title: row.post_title, url: postPath(row.post_slug) };
  return listed;
}

/** Page `page` of the front page; undefined when there is no such page. */
export async function loadFrontPage(db: DB, page: number): Promise<FrontPage | undefined> {
  const count = await countPosts(db);
  if (count <= 1) return page === 1 ? { kind: 'single' } : undefined;
  const pageCount = Math.max(1, Math.ceil((count - 1) / POSTS_PER_PAGE));
  if (page > pageCount) return undefined;
  // Page 1 starts with the newest post, featured; the others follow it.
  const rows = await listPostsNewestFirst(db, {
    limit: page === 1 ? POSTS_PER_PAGE + 1 : POSTS_PER_PAGE,
    offset: page === 1 ? 0 : 1 + (page - 1) * POSTS_PER_PAGE,
  });
  const [questions, featuredPost] = await Promise.all([
    listQuestionsOfPosts(
      db,
      rows.map((row) => row.id),
    ),
    page === 1 && rows[0] ? findPostById(db, rows[0].id) : undefined,
  ]);
  const byPost = new Map<number, QuestionRow[]>();
  for (const question of questions) byPost.set(question.post_id, [...(byPost.get(question.post_id) ?? []), question]);
  const summaries = rows.map((row): PostSummary => {
    const listed = (byPost.get(row.id) ?? []).map(toListedQuestion);
    return {
      title: row.title,
      url: postPath(row.slug),
      category: row.category,
      date: longDate(row.published_on),
      lastAnswerAt: newest(listed.map((q) => q.lastAnswerAt)),
      questions: listed,
    };
  });
  const featured =
    featuredPost && summaries[0]
      ? { ...summaries[0], opening: postOpening(featuredPost.body, featuredPost.source_line) }
      : null;
  return { kind: 'index', index: { featured, posts: featured ? summaries.slice(1) : summaries, page, pageCount } };
}

/** A page of GET /questions; undefined when the post named does not exist or the page is past the end. */
export async function loadQuestionList(
  db: DB,
  query: Omit<QuestionListFilter, 'postId'> & { post?: string; page: number },
): Promise<QuestionList | undefined> {
  const post = query.post === undefined ? undefined : await findPostBySlug(db, query.post);
  if (query.post !== undefined && !post) return undefined;
  const filter = {
    sort: query.sort,
    status: query.status,
    postId: post?.id,
    statusColumn: await hasQuestionStatus(db),
  };
  const [rows, total] = await Promise.all([
    listQuestionPage(db, filter, { limit: QUESTIONS_PER_PAGE, offset: (query.page - 1) * QUESTIONS_PER_PAGE }),
    countQuestions(db, filter),
  ]);
  const pageCount = Math.max(1, Math.ceil(total / QUESTIONS_PER_PAGE));
  if (query.page > pageCount) return undefined;
  return { questions: rows.map(toListedQuestion), total, page: query.page, pageCount };
}

function newest(dates: readonly (Date | null)[]): Date | null {
  let found: Date | null = null;
  for (const date of dates) if (date && (!found || date > found)) found = date;
  return found;
}
