import { appendLogEntry } from '../audit/audit-log.repository.js';
import { recordCaptchaUse } from '../captcha/captcha.repository.js';
import { type CaptchaFailure, checkAnswer } from '../captcha/challenge.js';
import type { DB } from '../db/database.js';
import type { EventLog } from '../events/event-log.js';
import { AppError } from '../http/app-error.js';
import { messages } from '../messages.js';
import type { BanService } from '../moderation/ban.service.js';
import { judgeComment, type PosterHistory } from '../moderation/rules.js';
import type { Moderator } from '../moderators/moderator.js';
import type { Question } from '../questions/question.js';
import type { ForumSettings } from '../settings/forum-settings.js';
import type { SettingsSource } from '../settings/settings.service.js';
import { type Comment, toComment, toTombstone } from './comment.js';
import {
  conversationScores,
  countApprovedBefore,
  findComment,
  hasApprovedCommentFrom,
  hasDuplicateComment,
  insertComment,
  listApprovedAfter,
  listCommentsByIds,
  listHighlighted,
  listLatestApproved,
  listThreadPage,
  listTombstones,
  listVisitorComments,
  lockPosters,
  newestCommentAt,
  nextCommentId,
  withPublishedReplies,
} from './comment.repository.js';
import { pathIds, threadPosition } from './comment-tree.js';
import { renderCommentBody } from './sanitize.js';
import { compareInOrder, DEFAULT_THREAD_ORDER, type ThreadOrder, type ThreadPlace } from './thread-order.js';

export interface CommentServiceDeps {
  db: DB;
  settings: SettingsSource;
  secret: string;
  log: EventLog;
  bans: BanService;
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
  const { db, secret, log } = deps;

  /**
   * Checks, stores and announces a new comment. The comment and its captcha's
   * single use are written in one transaction, before anyone is told it was accepted.
   */
  async function postComment(question: Question, draft: CommentDraft, context: PostingContext): Promise<Comment> {
    if (question.closed) throw new AppError(409, 'closed', messages.questionClosed, { form: messages.questionClosed });
    if (draft.honeypot.trim() !== '')
      throw new AppError(422, 'honeypot', messages.honeypot, { form: messages.honeypot });
    // Before the captcha: a banned poster is told so, whatever else is wrong.
    await deps.bans.refuseIfBanned({ email: draft.email, ip: context.ip, questionId: question.id });
    const settings = await deps.settings.current();
    const now = context.now ?? new Date();
    // Only `npm run bench` turns the captcha off (config refuses it in production): it measures posting, not sums.
    const captcha = settings.benchDisableCaptcha ? null : checkCaptcha(question, draft, now, settings);

    const answered = await findAnswered(question, draft.parentId, context.visitorId);
    const bodyHtml = renderCommentBody(draft.body);
    const submission = { ...draft, bodyHtml, ip: context.ip };

    const row = await log.transaction(async (tx, record) => {
      // The flood and duplicate checks run here, under a lock per address, email and
      // name: two posts sent at once are judged one after the other, not both against
      // a thread that has neither.
      if (settings.floodSeconds > 0 || settings.duplicateCheck) {
        await lockPosters(tx, [
          ...(context.ip === null ? [] : [`ip:${context.ip}`]),
          `email:${draft.email.toLowerCase()}`,
          `name:${question.id}:${draft.author}`,
        ]);
      }
      const history = await posterHistory(tx, question, submission, settings, now);
      const verdict = judgeComment(submission, history, settings);
      if (verdict.kind === 'refused') {
        const message = verdict.rule === 'flood' ? messages.postingTooQuickly : messages.duplicateComment;
        throw new AppError(verdict.rule === 'flood' ? 429 : 409, verdict.rule, message, { form: message });
      }
      if (captcha && !(await recordCaptchaUse(tx, captcha.nonce, new Date(captcha.expiresAt)))) {
        throw captchaError('used');
      }
      const id = await nextCommentId(tx);
      const position = threadPosition(id, answered, settings.maxThreadDepth);
      const inserted = await insertComment(tx, {
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
      await record(
        inserted.status === 'approved'
          ? { type: 'comment.published', questionId: question.id, commentId: id }
          : { type: 'comment.held', questionId: question.id, commentId: id, status: inserted.status },
      );
      return inserted;
    });
    return toComment(row);
  }

  /** The solved captcha's claims; its single use is recorded with the comment. */
  function checkCaptcha(question: Question, draft: CommentDraft, now: Date, settings: ForumSettings) {
    if (settings.captchaEnabled && !draft.captchaAnswer?.trim()) {
      throw new AppError(422, 'captcha_required', messages.captchaRequired, {
        captcha_answer: messages.captchaRequired,
      });
    }
    const captcha = checkAnswer(secret, draft.captchaToken, draft.captchaAnswer, {
      questionId: question.id,
      now: now.getTime(),
      minAgeMs: settings.captchaMinSeconds * 1000,
      // With the sum switched off the signed token still carries the minimum time.
      answerRequired: settings.captchaEnabled,
    });
    if (!captcha.ok) throw captchaError(captcha.reason);
    return captcha.claims;
  }

  /**
   * A moderator's reply from the queue: approved at once, no captcha or rules,
   * badged on the thread, and in the audit log.
   */
  async function postModeratorReply(parentId: number, body: string, moderator: Moderator, now = new Date()) {
    const parent = await findComment(db, parentId);
    if (!parent) throw new AppError(404, 'not_found', messages.commentNotFound);
    if (parent.status !== 'approved') throw new AppError(409, 'parent_not_approved', messages.replyToUnapproved);
    const { maxThreadDepth } = await deps.settings.current();
    const row = await log.transaction(async (tx, record) => {
      const id = await nextCommentId(tx);
      const position = threadPosition(id, parent, maxThreadDepth);
      const inserted = await insertComment(tx, {
        id,
        question_id: parent.question_id,
        parent_id: position.parentId,
        in_reply_to_id: parentId,
        root_id: position.rootId,
        depth: position.depth,
        path: position.path,
        status: 'approved',
        held_by_rule: null,
        author: moderator.name,
        email: moderator.email,
        url: null,
        body_source: body,
        body_html: renderCommentBody(body),
        ip: null,
        user_agent: null,
        visitor_id: null,
        moderator_id: moderator.id,
        created_at: now,
        updated_at: now,
      });
      await appendLogEntry(tx, {
        moderator,
        action: 'reply',
        commentId: id,
        questionId: parent.question_id,
        to: 'approved',
        details: { inReplyTo: parentId },
        at: now,
      });
      await record({ type: 'comment.published', questionId: parent.question_id, commentId: id });
      return inserted;
    });
    return toComment(row);
  }

  /** Only what the rules in force need: each lookup is skipped when its rule is off. */
  async function posterHistory(
    tx: DB,
    question: Question,
    submission: { author: string; email: string; body: string; ip: string | null },
    settings: { floodSeconds: number; duplicateCheck: boolean; holdNewEmails: boolean },
    now: Date,
  ): Promise<PosterHistory> {
    const [newest, duplicate, hasApprovedComment] = await Promise.all([
      settings.floodSeconds > 0 ? newestCommentAt(tx, submission.ip, submission.email) : null,
      settings.duplicateCheck ? hasDuplicateComment(tx, question.id, submission) : false,
      settings.holdNewEmails ? hasApprovedCommentFrom(tx, submission.email) : true,
    ]);
    return {
      secondsSinceLastComment: newest ? (now.getTime() - newest.getTime()) / 1000 : null,
      duplicate,
      hasApprovedComment,
    };
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

  /**
   * One page of a thread in an order, plus the reader's own held comments that belong on
   * it. A page holds the setting's number of comments, replies included; one that begins
   * inside a conversation also has that conversation's earlier comments, marked `earlierIds`.
   */
  async function listThread(
    question: Question,
    pageNumber: number,
    visitorId: string | undefined,
    order: ThreadOrder = DEFAULT_THREAD_ORDER,
  ) {
    const perPage = (await deps.settings.current()).commentsPerPage;
    const { rows, earlier, next, scores, answerCount, latestId } = await listThreadPage(
      db,
      question.id,
      { limit: perPage, offset: (pageNumber - 1) * perPage },
      order,
    );
    const pageCount = Math.max(1, Math.ceil(answerCount / perPage));
    const own = visitorId ? await listVisitorComments(db, question.id, visitorId) : [];
    const pending = own.filter((row) => row.status === 'pending');
    if (order === 'agreed') {
      // A held comment's conversation may not be on this page: its score says whether it is.
      const unscored = pending.map((row) => row.root_id).filter((rootId) => !scores.has(rootId));
      for (const [rootId, score] of await conversationScores(db, unscored)) scores.set(rootId, score);
    }
    const inOrder = compareInOrder(order, scores);
    // A held comment shows where it will sit once approved: on the page whose span of the
    // thread holds its place (a new answer's place is where the order puts a conversation
    // without votes: the end for oldest first, the start for newest first).
    const first = pageNumber === 1 ? undefined : rows[0];
    const held = pending.filter(
      (row) =>
        (first === undefined || inOrder(placeOf(row), placeOf(first)) >= 0) &&
        (next === null || inOrder(placeOf(row), next) < 0),
    );
    const shown = [...earlier, ...rows, ...held];
    // An ancestor's path is its descendants' prefix: they are of this question too.
    const tombstones = await listTombstones(db, missingAncestors(shown));
    const tombstoneIds = new Set(tombstones.map((row) => row.id));
    const thread = [...shown, ...tombstones].sort((a, b) => inOrder(placeOf(a), placeOf(b)));
    return {
      comments: thread.map((row) => (tombstoneIds.has(row.id) ? toTombstone(row) : toComment(row))),
      earlierIds: new Set(earlier.map((row) => row.id)),
      ownIds: new Set(own.map((row) => row.id)),
      answerCount,
      latestId,
      pageCount,
    };
  }

  /**
   * The page of the thread a comment is on in an order; for a held one, the page it shows
   * on to its author (and will be on once approved, if the thread stays as it is).
   * `near: 'end'` for a comment just posted as an answer (it is counted from the end).
   */
  async function pageOf(
    comment: Pick<Comment, 'questionId' | 'rootId' | 'path' | 'status'>,
    order: ThreadOrder = DEFAULT_THREAD_ORDER,
    near: 'start' | 'end' = 'start',
  ): Promise<number> {
    const perPage = (await deps.settings.current()).commentsPerPage;
    const before = await countApprovedBefore(db, comment.questionId, comment, order, near);
    return comment.status === 'approved' ? Math.floor(before / perPage) + 1 : Math.max(1, Math.ceil(before / perPage));
  }

  /**
   * A comment by id, and whether this visitor may see it (approved, or their own held
   * one); undefined when there is no such comment.
   */
  async function locate(id: number, visitorId: string | undefined) {
    const found = await findComment(db, id);
    if (!found) return undefined;
    const visible = found.status === 'approved' || (found.status === 'pending' && found.visitor_id === visitorId);
    return { comment: toComment(found), visible };
  }

  /** A comment of this question that this visitor may see. */
  async function findVisible(question: Question, id: number, visitorId: string | undefined) {
    const found = await locate(id, visitorId);
    return found?.visible && found.comment.questionId === question.id ? found.comment : undefined;
  }

  async function listHighlights(question: Question): Promise<Comment[]> {
    return (await listHighlighted(db, question.id)).map(toComment);
  }

  async function listSince(question: Question, afterId: number, limit: number): Promise<Comment[]> {
    return (await listApprovedAfter(db, question.id, afterId, limit)).map(toComment);
  }

  /** The newest published answers, anywhere or on one question, with the question each answers (the feeds). */
  async function latestAnswers(limit: number, questionId?: number) {
    return (await listLatestApproved(db, limit, questionId)).map((row) => ({
      id: row.id,
      author: row.author,
      html: row.body_html,
      createdAt: new Date(row.created_at),
      question: { slug: row.slug, wording: row.wording, status: row.status },
    }));
  }

  /**
   * Of these comments, the removed ones that published replies hang from, as the thread
   * shows them (tombstones): what a live removal turns into, in place.
   */
  async function listTombstonesAmong(ids: readonly number[]): Promise<Comment[]> {
    const kept = await withPublishedReplies(db, ids);
    return (await listTombstones(db, [...kept])).map(toTombstone);
  }

  /** Comments by id as they are now, any status. */
  async function listByIds(ids: readonly number[]): Promise<Comment[]> {
    return (await listCommentsByIds(db, ids)).map(toComment);
  }

  return {
    postComment,
    postModeratorReply,
    listThread,
    pageOf,
    locate,
    findVisible,
    listHighlights,
    listSince,
    listByIds,
    latestAnswers,
    listTombstonesAmong,
  };
}

export type CommentService = ReturnType<typeof createCommentService>;

function placeOf(row: { root_id: number; path: string }): ThreadPlace {
  return { rootId: row.root_id, path: row.path };
}

/**
 * The ancestors of shown comments that are not shown themselves: removed ones (to be
 * tombstones), or ones not public for another reason. Usually none, so no query.
 */
function missingAncestors(shown: readonly { id: number; path: string }[]): number[] {
  const present = new Set(shown.map((row) => row.id));
  const missing = new Set<number>();
  for (const row of shown) for (const id of pathIds(row.path)) if (!present.has(id)) missing.add(id);
  return [...missing];
}
