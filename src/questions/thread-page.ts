import type { Request, Response } from 'express';
import { describeChallenge, issueToken } from '../captcha/challenge.js';
import type { Comment } from '../comments/comment.js';
import type { CommentService } from '../comments/comment.service.js';
import type { FormValues } from '../comments/comment-form.js';
import { BODY_LIMIT } from '../comments/comment-form.js';
import { threadView } from '../comments/comment-view.js';
import { THREAD_ORDER_LABELS, type ThreadOrder, threadOrders } from '../comments/thread-order.js';
import { statusBadge } from '../conclusions/question-status.js';
import { summaryView } from '../conclusions/summary-view.js';
import type { DB } from '../db/database.js';
import { notFound } from '../http/app-error.js';
import type { Csrf } from '../http/csrf.js';
import { type DeflatedPart, deflateMemo, deflatePart, gzipParts } from '../http/gzip-parts.js';
import { parseId } from '../http/ids.js';
import { commenterOf, visitorIdOf } from '../http/visitor.js';
import { messages } from '../messages.js';
import { findPostById } from '../posts/post.repository.js';
import { renderPassage } from '../posts/post-view.js';
import type { SettingsSource } from '../settings/settings.service.js';
import type { Templates } from '../views/templates.js';
import type { ReaderMarks, Visits } from '../visits/visits.service.js';
import { voteCountsFor } from '../votes/vote.repository.js';
import type { PageCache } from './page-cache.js';
import { commentPath, type Question, questionPath, threadPagePath } from './question.js';
import { rememberedOrder } from './reader-order.js';

export interface ThreadPageDeps {
  db: DB;
  csrf: Csrf;
  cache: PageCache<ThreadSection>;
  templates: Templates;
  comments: CommentService;
  settings: SettingsSource;
  secret: string;
  /** The newest change this process has relayed from the event log. */
  relayedSeq: () => number;
  /** The question's opinion map, when there are enough votes for one (never waits). */
  mapUrl?: (question: Question) => string | null;
  /** What each reader has seen: comments since are marked new. */
  visits: Visits;
}

export interface ThreadSection {
  /** The rendered comments, encoded once: every page view sends these same bytes. */
  html: Buffer;
  /**
   * For gzip responses (kept sections only: see gzip-parts.ts): the thread deflated
   * once, and the page's head deflated once while it stays the same.
   */
  gzip?: { thread: () => Promise<DeflatedPart>; head: (raw: Buffer) => DeflatedPart };
  comments: Comment[];
  answerCount: number;
  latestId: number;
  /**
   * The event log's position when the section was read: every change up to it is shown.
   * Read before the comments, so a change that lands meanwhile is replayed, not lost.
   */
  since: number;
  pageCount: number;
  /** The page begins inside a conversation from the page before (shown again, marked). */
  continues: boolean;
  post: { title: string; url: string } | null;
  highlights: { id: number; author: string; html: string; byModerator: boolean; url: string }[];
}

export interface FormState {
  values: Partial<FormValues>;
  errors: Record<string, string>;
}

export const LIVE_SCRIPT = '/js/live.js';
/** Where the kept thread goes in the rendered page (nothing a person can type: `<` is escaped). */
const THREAD_SLOT = '<!--oq:thread-->';

/** Field order for the error summary: the order they appear on the page. */
const SUMMARY_ORDER = ['form', 'parent_id', 'author', 'email', 'url', 'body', 'captcha_answer'];

/**
 * The question page: the question, its passage, one page of its thread and the form.
 * Also what a refused comment comes back to, with every typed value and a message
 * at each bad field.
 */
export function createThreadPage(deps: ThreadPageDeps) {
  const { db, templates, comments, secret, csrf, cache } = deps;

  /** The thread part of a page: its comments rendered, and what paging needs. */
  async function loadSection(
    question: Question,
    pageNumber: number,
    visitorId: string | undefined,
    maxDepth: number,
    order: ThreadOrder,
  ): Promise<ThreadSection> {
    const since = deps.relayedSeq();
    const [thread, post, highlights] = await Promise.all([
      comments.listThread(question, pageNumber, visitorId, order),
      findPostById(db, question.postId),
      comments.listHighlights(question),
    ]);
    if (pageNumber > thread.pageCount) throw notFound(messages.pageNotFound);
    const votes = await voteCountsFor(
      db,
      thread.comments.map((comment) => comment.id),
    );
    const tree = threadView(thread.comments, { maxDepth, ownIds: thread.ownIds, earlierIds: thread.earlierIds, votes });
    return {
      html: Buffer.from(tree.map((node) => templates.partial('comment', node)).join('\n')),
      comments: thread.comments,
      answerCount: thread.answerCount,
      latestId: thread.latestId,
      since,
      pageCount: thread.pageCount,
      continues: thread.earlierIds.size > 0,
      post: post ? { title: post.title, url: `/posts/${post.slug}` } : null,
      highlights: highlights.map((comment) => ({
        id: comment.id,
        author: comment.author,
        html: comment.html,
        byModerator: comment.byModerator,
        url: commentPath(question.slug, comment.id),
      })),
    };
  }

  /**
   * What the reader has not seen: the thread HTML is shared, so the page carries the
   * reader's last-seen id (the script marks newer comments "New") and a link to the first
   * new one, here or on its page. Then the reader has seen the thread up to its newest.
   */
  async function newSinceLastVisit(question: Question, section: ThreadSection, reader: ReaderMarks) {
    const seen = deps.visits.lastSeen(reader.marks, question.id);
    const found =
      seen !== undefined && section.latestId > seen
        ? (await deps.visits.newAnswers(reader, [{ id: question.id, lastAnswerId: section.latestId }])).get(question.id)
        : undefined;
    await deps.visits.recordVisit(reader, question.id, section.latestId);
    if (seen === undefined) return null;
    if (!found) return { lastSeen: seen, count: 0, firstUrl: null };
    // In reading order: the first new comment a reader comes to on this page (not their own).
    const onThisPage = section.comments.find((c) => c.id >= found.firstId && c.status === 'approved');
    return {
      lastSeen: seen,
      count: found.count,
      firstUrl: onThisPage ? `#comment-${onThisPage.id}` : commentPath(question.slug, found.firstId),
    };
  }

  /** The page holding the comment a reader is replying to (page 1 if they may not see it). */
  async function pageHolding(question: Question, commentId: number, req: Request, order: ThreadOrder) {
    const comment = await comments.findVisible(question, commentId, visitorIdOf(req));
    return comment ? comments.pageOf(comment, order) : 1;
  }

  return async function renderThreadPage(
    req: Request,
    res: Response,
    question: Question,
    options: { status?: number; form?: FormState; pageNumber?: number; replyToId?: number; order?: ThreadOrder } = {},
  ): Promise<void> {
    // Only a browser that came with its visitor id is remembered (read before this page's
    // form may give a new one an id): a client without cookies would add a row per view.
    const [settings, reader] = await Promise.all([deps.settings.current(), deps.visits.marksOf(visitorIdOf(req))]);
    const remembered = commenterOf(req);
    const replyToId = options.replyToId ?? parseId(options.form?.values.parent_id);
    const order = options.order ?? rememberedOrder(req);
    const pageNumber = options.pageNumber ?? (replyToId ? await pageHolding(question, replyToId, req, order) : 1);
    // Only someone who has commented has comments of their own to mark or to see held;
    // everyone else reads the same page, kept rendered until the thread changes. Each
    // order's pages are kept apart; a change drops every order's pages of the question.
    const maxDepth = settings.maxThreadDepth;
    const section = remembered
      ? await loadSection(question, pageNumber, visitorIdOf(req), maxDepth, order)
      : await cache.get(question.id, `${order}:${pageNumber}:${settings.commentsPerPage}:${maxDepth}`, async () =>
          withDeflated(await loadSection(question, pageNumber, undefined, maxDepth, order)),
        );
    const replyTo = replyToId ? section.comments.find((c) => c.id === replyToId) : undefined;
    const news = await newSinceLastVisit(question, section, reader);
    const values: Partial<FormValues> = options.form?.values ?? {
      author: remembered?.author ?? '',
      email: remembered?.email ?? '',
      url: remembered?.url ?? '',
      notify_replies: remembered?.notifyReplies ? '1' : '',
      notify_question: remembered?.notifyQuestion ? '1' : '',
    };
    const errors = options.form?.errors ?? {};
    const captcha = issueToken(secret, question.id, { ttlMs: settings.captchaTtlMinutes * 60_000 });
    const path = questionPath(question.slug);
    // One token for the comment form and the vote form: both are checked against the same cookie.
    const csrfToken = csrf.token(req, res);

    const page = templates.page('question', {
      title: question.wording,
      scripts: [LIVE_SCRIPT],
      latestId: section.latestId,
      since: section.since,
      news,
      isFirstPage: pageNumber === 1,
      isLastPage: pageNumber === section.pageCount,
      order,
      orders: orderChoices(path, order),
      continuesFrom: section.continues ? pageUrl(question.slug, pageNumber - 1, order) : null,
      question: {
        ...question,
        passageHtml: renderPassage(question.passage, question.quote),
        url: path,
      },
      post: section.post,
      status: statusBadge(question.status),
      summary: summaryView(question),
      answerCount: section.answerCount,
      feed: { url: `${path}/feed.xml`, title: `Answers to “${question.wording}”` },
      highlights: section.highlights,
      closed: question.closed ? { message: messages.questionClosed, typed: options.form?.values.body ?? '' } : null,
      threadHtml: section.html.length > 0 ? THREAD_SLOT : '',
      pagination: paginationView(question.slug, pageNumber, section.pageCount, order),
      voteForm: { csrfToken },
      mapUrl: deps.mapUrl?.(question) ?? null,
      form: {
        action: `${path}/comments`,
        values: { ...values, parent_id: replyTo ? String(replyTo.id) : (values.parent_id ?? '') },
        errors,
        errorList: SUMMARY_ORDER.filter((field) => errors[field]).map((field) => ({
          field: field === 'form' ? 'author' : field,
          message: errors[field],
        })),
        hasErrors: Object.keys(errors).length > 0,
        replyTo: replyTo ? { id: replyTo.id, author: replyTo.author } : null,
        cancelReplyUrl: `${path}#respond`,
        // The label is ours alone (digits, number words, + - ×), so it is emitted unescaped.
        captcha: {
          label: settings.captchaEnabled ? describeChallenge(captcha.claims.challenge) : null,
          token: captcha.token,
        },
        csrfToken,
        bodyLimit: BODY_LIMIT.toLocaleString('en-GB'),
      },
    });
    // The page around the thread is per reader (tokens, form); the thread's bytes are
    // shared: joined as kept bytes (not built into a new string and encoded again on
    // every view), and for browsers that take gzip, as they were deflated when kept.
    const slot = page.indexOf(THREAD_SLOT);
    res
      .status(options.status ?? 200)
      .type('html')
      .vary('Accept-Encoding');
    if (slot < 0) {
      res.send(page);
      return;
    }
    const head = Buffer.from(page.slice(0, slot));
    const tail = Buffer.from(page.slice(slot + THREAD_SLOT.length));
    if (section.gzip && req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      res.set('Content-Encoding', 'gzip');
      sendPieces(res, gzipParts([section.gzip.head(head), await section.gzip.thread(), tail]));
    } else {
      sendPieces(res, [head, section.html, tail]);
    }
  };
}

/** A kept section deflates its thread once, the first time a gzip response needs it. */
function withDeflated(section: ThreadSection): ThreadSection {
  let thread: Promise<DeflatedPart> | undefined;
  const deflateThread = () =>
    deflatePart(section.html).catch((error: unknown) => {
      thread = undefined; // the next gzip response tries again
      throw error;
    });
  return { ...section, gzip: { thread: () => (thread ??= deflateThread()), head: deflateMemo() } };
}

/** Writes a body given in pieces, with its length (the compression middleware leaves encoded ones alone). */
function sendPieces(res: Response, pieces: readonly Buffer[]): void {
  const body = Buffer.concat(pieces);
  res.set('Content-Length', String(body.length));
  res.end(body);
}

export type RenderThreadPage = ReturnType<typeof createThreadPage>;

function pageUrl(slug: string, page: number, order: ThreadOrder): string {
  return `${threadPagePath(slug, page, order)}#comments`;
}

/**
 * The links that reorder the thread, the current order marked. Each names its order, the
 * default too, so that picking it replaces an order the reader picked before.
 */
function orderChoices(path: string, current: ThreadOrder) {
  return threadOrders.map((order) => ({
    label: THREAD_ORDER_LABELS[order],
    url: `${path}?sort=${order}#comments`,
    current: order === current,
  }));
}

function paginationView(slug: string, current: number, count: number, order: ThreadOrder) {
  if (count <= 1) return null;
  const url = (page: number) => pageUrl(slug, page, order);
  return {
    previous: current > 1 ? url(current - 1) : null,
    next: current < count ? url(current + 1) : null,
    pages: pageWindow(current, count).map((page) =>
      page === null ? { gap: true } : { number: page, url: url(page), current: page === current },
    ),
  };
}

/** 1 … 4 5 [6] 7 8 … 200: the first, the last and two either side; null marks a gap. */
export function pageWindow(current: number, count: number, around = 2): (number | null)[] {
  const shown = new Set([1, count]);
  for (let page = current - around; page <= current + around; page += 1) {
    if (page >= 1 && page <= count) shown.add(page);
  }
  const pages = [...shown].sort((a, b) => a - b);
  return pages.flatMap((page, index) => (index > 0 && page - (pages[index - 1] as number) > 1 ? [null, page] : [page]));
}
