import { recordCaptchaUse } from '../captcha/captcha.repository.js';
import { type CaptchaFailure, checkAnswer } from '../captcha/challenge.js';
import type { ForumSettings } from '../config.js';
import type { DB } from '../db/database.js';
import type { ForumEvents } from '../events.js';
import { AppError } from '../http/app-error.js';
import { messages } from '../messages.js';
import { judgeComment } from '../moderation/rules.js';
import type { Question } from '../questions/question.js';
import { type Comment, toComment } from './comment.js';
import {
  findComment,
  insertComment,
  listApprovedAfter,
  listThreadPage,
  listVisitorCommentIds,
  listVisitorPending,
  nextCommentId,
} from './comment.repository.js';
import { threadPosition } from './comment-tree.js';
import { renderCommentBody } from './sanitize.js';

export interface CommentServiceDeps {
  db: DB;
  settings: ForumSettings;
  secret: string;
  events: ForumEvents;
}

/** What a person typed, already shaped and length-checked by the route. */
export interface CommentDraft {
  author: string;
  email: string;
  url: string | null;
  body: string;
  parentId: number | null;
  captchaToken: string | undefined;
  captchaAnswer: string | undefined;
  /** The hidden field people never see; bots fill it. */
  honeypot: string;
}

export interface PostingContext {
  ip: string | null;
  userAgent: string | null;
  visitorId: string;
  now?: Date;
}

const CAPTCHA_MESSAGES: Record<CaptchaFailure | 'used', string> = {
  missing: messages.captchaInvalid,
  malformed: messages.captchaInvalid,
  forged: messages.captchaInvalid,
  'wrong-question': messages.captchaInvalid,
  expired: messages.captchaExpired,
  'wrong-answer': messages.captchaWrong,
  'too-fast': messages.tooFast,
  used: messages.captchaUsed,
};

const captchaError = (reason: CaptchaFailure | 'used') =>
  new AppError(422, `captcha_${reason.replace('-', '_')}`, CAPTCHA_MESSAGES[reason], {
    captcha_answer: CAPTCHA_MESSAGES[reason],
  });

export function createCommentService(deps: CommentServiceDeps) {
  const { db, settings, secret, events } = deps;

  /**
   * Checks, stores and announces a new comment. The comment and its captcha's
   * single use are written in one transaction, before anyone is told it was accepted.
   */
  async function postComment(question: Question, draft: CommentDraft, context: PostingContext): Promise<Comment> {
    if (draft.honeypot.trim() !== '')
      throw new AppError(422, 'honeypot', messages.honeypot, { form: messages.honeypot });
    const now = context.now ?? new Date();
    // Only `npm run bench` turns the captcha off (config refuses it in production): it measures posting, not sums.
    const captcha = settings.benchDisableCaptcha ? null : checkCaptcha(question, draft, now);

    const answered = await findAnswered(question, draft.parentId, context.visitorId);
    const bodyHtml = renderCommentBody(draft.body);
    const verdict = judgeComment({ bodyHtml }, settings);

    const row = await db.transaction().execute(async (tx) => {
      if (captcha && !(await recordCaptchaUse(tx, captcha.nonce, new Date(captcha.expiresAt)))) {
        throw captchaError('used');
      }
      const id = await nextCommentId(tx);
      const position = threadPosition(id, answered, settings.maxThreadDepth);
      return insertComment(tx, {
        id,
        question_id: question.id,
        parent_id: position.parentId,
        in_reply_to_id: draft.parentId,
        root_id: position.rootId,
        depth: position.depth,
        path: position.path,
        status: verdict.status,
        held_by_rule: verdict.heldByRule,
        author: draft.author,
        email: draft.email,
        url: draft.url,
        body_source: draft.body,
        body_html: bodyHtml,
        ip: context.ip,
        user_agent: context.userAgent,
        visitor_id: context.visitorId,
        created_at: now,
        updated_at: now,
      });
    });
    const comment = toComment(row);
    events.emit('comment.created', { comment, questionSlug: question.slug });
    return comment;
  }

  /** The solved captcha's claims; its single use is recorded with the comment. */
  function checkCaptcha(question: Question, draft: CommentDraft, now: Date) {
    if (!draft.captchaAnswer?.trim()) {
      throw new AppError(422, 'captcha_required', messages.captchaRequired, {
        captcha_answer: messages.captchaRequired,
      });
    }
    const captcha = checkAnswer(secret, draft.captchaToken, draft.captchaAnswer, {
      questionId: question.id,
      now: now.getTime(),
      minAgeMs: settings.captchaMinSeconds * 1000,
    });
    if (!captcha.ok) throw captchaError(captcha.reason);
    return captcha.claims;
  }

  /** The comment a reply answers, when it is one this visitor may answer on this question. */
  async function findAnswered(question: Question, parentId: number | null, visitorId: string) {
    if (parentId === null) return null;
    const answered = await findComment(db, parentId);
    const visible =
      answered?.status === 'approved' || (answered?.status === 'pending' && answered.visitor_id === visitorId);
    if (!answered || answered.question_id !== question.id || !visible) {
      throw new AppError(422, 'parent_invalid', messages.parentInvalid, { parent_id: messages.parentInvalid });
    }
    return answered;
  }

  /** One page of a thread, plus the reader's own held comments that belong on it. */
  async function listThread(question: Question, pageNumber: number, visitorId: string | undefined) {
    const perPage = settings.commentsPerPage;
    const { rows, rootCount, answerCount, latestId } = await listThreadPage(db, question.id, {
      limit: perPage,
      offset: (pageNumber - 1) * perPage,
    });
    const pageCount = Math.max(1, Math.ceil(rootCount / perPage));
    let thread = rows;
    if (visitorId) {
      const held = await listVisitorPending(db, question.id, visitorId);
      const roots = new Set(rows.filter((row) => row.parent_id === null).map((row) => row.id));
      // Held replies show in their thread; held new answers where new answers go: the last page.
      const onThisPage = held.filter((row) => (roots.has(row.root_id) ? true : pageNumber === pageCount));
      if (onThisPage.length > 0) {
        thread = [...rows, ...onThisPage].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      }
    }
    const comments = thread.map(toComment);
    const ownIds = visitorId ? new Set(await listVisitorCommentIds(db, question.id, visitorId)) : new Set<number>();
    return { comments, ownIds, rootCount, answerCount, latestId, pageCount };
  }

  async function listSince(question: Question, afterId: number, limit: number): Promise<Comment[]> {
    return (await listApprovedAfter(db, question.id, afterId, limit)).map(toComment);
  }

  return { postComment, listThread, listSince };
}

export type CommentService = ReturnType<typeof createCommentService>;
