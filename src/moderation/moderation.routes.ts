import { type Request, type Response, Router } from 'express';
import { listLogEntries, logFacets } from '../audit/audit-log.repository.js';
import type { CommentService } from '../comments/comment.service.js';
import type { DB } from '../db/database.js';
import { AppError, notFound } from '../http/app-error.js';
import { jsonBody, moderationFormBody } from '../http/body-parsers.js';
import { wantsJson } from '../http/error-handler.js';
import { isId } from '../http/ids.js';
import { messages } from '../messages.js';
import { requireAdmin, requireModerator, signedInModerator, verifyCsrf } from '../moderators/guards.js';
import { questionPath } from '../questions/question.js';
import { registerQuestionModeration } from '../questions/question-mod.routes.js';
import type { QuestionModeration } from '../questions/question-moderation.service.js';
import { EDITABLE_KEYS, parseSettingsForm, settingsFormValues } from '../settings/settings.js';
import type { SettingsService } from '../settings/settings.service.js';
import { exactTime } from '../views/helpers/exact-time.js';
import type { Templates } from '../views/templates.js';
import type { BanService } from './ban.service.js';
import { parseBanForm } from './ban-form.js';
import { parseCommentEdit, parseReplyBody } from './comment-edit-form.js';
import { formatRange, parseIp, parseRange } from './ip-range.js';
import { logEntryView } from './log-view.js';
import { renderModPage, setNotice } from './mod-page.js';
import { type QueueTab, queueTabs } from './moderation.repository.js';
import type { ModerationService } from './moderation.service.js';
import { ACTION_LABELS, queueRowView, tabsView } from './queue-view.js';
import { type ModerationAction, moderationActions } from './transitions.js';

export interface ModerationRoutesDeps {
  db: DB;
  templates: Templates;
  settings: SettingsService;
  moderation: ModerationService;
  comments: CommentService;
  bans: BanService;
  questions: QuestionModeration;
}

const LOG_PAGE_SIZE = 100;

function commentId(req: Request): number {
  const id = String(req.params.id ?? '');
  if (!isId(id)) throw notFound(messages.commentNotFound);
  return Number(id);
}

/** Back to the queue page the moderator acted from; never anywhere outside /mod. */
function returnUrl(req: Request): string {
  const value = (req.body as Record<string, unknown> | undefined)?.return;
  return typeof value === 'string' && /^\/mod(\/[^/\\]|\?|$)/.test(value) ? value : '/mod';
}

/** The network a single address belongs to, as a suggestion: a /24 for IPv4, a /64 for IPv6. */
function suggestedRange(ip: string | null): string | null {
  const address = ip ? parseIp(ip) : null;
  const range = address ? parseRange(`${ip}/${address.version === 4 ? 24 : 64}`) : null;
  return range ? formatRange(range) : null;
}

const REASON_LIMIT = 200;

/**
 * The public reason for spam or trash: the moderator's own words (`reason_other`) over
 * a preset (`reason`); none is fine. Shown on the tombstone and in the public record.
 */
function removalReason(action: ModerationAction, body: Record<string, unknown>): string | null {
  if (action !== 'spam' && action !== 'trash') return null;
  const pick = (value: unknown) => (typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '');
  const reason = pick(body.reason_other) || pick(body.reason);
  if (reason.length > REASON_LIMIT) throw new AppError(422, 'reason_too_long', messages.removalReasonTooLong);
  return reason || null;
}

/** Form posts go back to the queue; a script asking for JSON gets the outcome. */
function respond(req: Request, res: Response, outcome: object, notice: string): void {
  if (wantsJson(req)) res.json(outcome);
  else {
    setNotice(req, notice);
    res.redirect(303, returnUrl(req));
  }
}

/**
 * The moderation area. Everything under /mod needs a signed-in moderator, and every
 * state change the session's CSRF token; admin-only routes add `requireAdmin`.
 */
export function moderationRoutes(deps: ModerationRoutesDeps): Router {
  const { db, templates, settings, moderation, comments, bans, questions } = deps;
  const router = Router();
  router.use('/mod', moderationFormBody, jsonBody, requireModerator, verifyCsrf);

  router.get('/mod', async (req, res) => {
    const tab = queueTabs.includes(req.query.tab as QueueTab) ? (req.query.tab as QueueTab) : 'pending';
    const pageText = typeof req.query.page === 'string' && isId(req.query.page) ? req.query.page : '1';
    const page = Math.min(Number(pageText), 10_000);
    const { rows, hasMore, counts } = await moderation.queue(tab, page);
    const here = `/mod${tab === 'pending' ? '' : `?tab=${tab}`}`;
    renderModPage(res, templates, 'mod-queue', {
      title: 'Queue',
      section: 'queue',
      scripts: ['/js/mod-queue.js'],
      tabs: tabsView(tab, counts),
      rows: rows.map((row) => queueRowView(row)),
      isPending: tab === 'pending',
      returnUrl: page > 1 ? `${here}${here.includes('?') ? '&' : '?'}page=${page}` : here,
      nextUrl: hasMore ? `${here}${here.includes('?') ? '&' : '?'}page=${page + 1}` : null,
      bulkActions: moderationActions.map((action) => ({ action, label: ACTION_LABELS[action] })),
      removalReasons: (await settings.current()).removalReasons,
    });
  });

  router.post('/mod/comments/bulk', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const raw = body['ids[]'] ?? body.ids;
    const ids = (Array.isArray(raw) ? raw : [raw]).filter((id): id is string => typeof id === 'string' && isId(id));
    const action = body.action as ModerationAction;
    if (ids.length === 0 || !moderationActions.includes(action)) {
      throw new AppError(422, 'nothing_selected', messages.nothingSelected);
    }
    const result = await moderation.moderateMany(
      [...new Set(ids.map(Number))],
      action,
      signedInModerator(res),
      removalReason(action, body),
    );
    const skipped = result.skipped > 0 ? ` ${result.skipped} skipped (the action did not apply to them).` : '';
    respond(req, res, result, `${ACTION_LABELS[action]}: ${result.done} done.${skipped}`);
  });

  for (const action of moderationActions) {
    router.post(`/mod/comments/:id/${action}`, async (req, res) => {
      const reason = removalReason(action, (req.body ?? {}) as Record<string, unknown>);
      const outcome = await moderation.moderate(commentId(req), action, signedInModerator(res), new Date(), reason);
      respond(req, res, outcome, `${ACTION_LABELS[action]}: comment ${outcome.id} done.`);
    });
  }

  const renderEdit = (
    res: Response,
    row: Awaited<ReturnType<ModerationService['findForEdit']>>,
    form: { status?: number; values: Record<string, string | null>; errors: Record<string, string> },
  ) =>
    renderModPage(res, templates, 'mod-comment-edit', {
      title: `Edit comment ${row.id}`,
      section: 'queue',
      status: form.status,
      id: row.id,
      commentStatus: row.status,
      question: { url: questionPath(row.question_slug), wording: row.question_wording },
      values: form.values,
      errors: form.errors,
      errorList: Object.entries(form.errors).map(([field, message]) => ({ field, message })),
    });

  router.get('/mod/comments/:id/edit', async (req, res) => {
    const row = await moderation.findForEdit(commentId(req));
    renderEdit(res, row, {
      values: { author: row.author, email: row.email, url: row.url ?? '', body: row.body_source },
      errors: {},
    });
  });

  router.post('/mod/comments/:id/edit', async (req, res) => {
    const id = commentId(req);
    const form = parseCommentEdit(req.body ?? {});
    if (!form.ok) {
      renderEdit(res, await moderation.findForEdit(id), { status: 422, values: form.values, errors: form.errors });
      return;
    }
    const comment = await moderation.editComment(id, form.edit, signedInModerator(res));
    respond(req, res, { id: comment.id, status: comment.status }, `Comment ${comment.id} saved.`);
  });

  router.post('/mod/comments/:id/reply', async (req, res) => {
    const body = parseReplyBody(req.body ?? {});
    if (typeof body !== 'string') throw new AppError(422, 'invalid', body.error, { body: body.error });
    const id = commentId(req);
    const moderator = signedInModerator(res);
    // WordPress's "Approve and reply": answering a held comment publishes it first.
    if ((await moderation.findForEdit(id)).status === 'pending') await moderation.moderate(id, 'approve', moderator);
    const reply = await comments.postModeratorReply(id, body, moderator);
    respond(req, res, { id: reply.id, status: reply.status }, `Your reply (comment ${reply.id}) is published.`);
  });

  router.get('/mod/log', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string).trim() : '');
    const filter = {
      moderatorId: isId(text('moderator')) ? Number(text('moderator')) : undefined,
      action: text('action') !== '' ? text('action').slice(0, 50) : undefined,
      commentId: isId(text('comment')) ? Number(text('comment')) : undefined,
    };
    const page = isId(text('page')) ? Math.min(Number(text('page')), 10_000) : 1;
    const [rows, facets] = await Promise.all([
      listLogEntries(db, filter, { limit: LOG_PAGE_SIZE + 1, offset: (page - 1) * LOG_PAGE_SIZE }),
      logFacets(db),
    ]);
    const params = new URLSearchParams();
    if (filter.moderatorId) params.set('moderator', String(filter.moderatorId));
    if (filter.action) params.set('action', filter.action);
    if (filter.commentId) params.set('comment', String(filter.commentId));
    params.set('page', String(page + 1));
    renderModPage(res, templates, 'mod-log', {
      title: 'Log',
      section: 'log',
      entries: rows.slice(0, LOG_PAGE_SIZE).map((row) => logEntryView(row)),
      nextUrl: rows.length > LOG_PAGE_SIZE ? `/mod/log?${params}` : null,
      filter: { comment: filter.commentId ?? '' },
      filtered: filter.moderatorId !== undefined || filter.action !== undefined || filter.commentId !== undefined,
      moderators: facets.moderators.map((m) => ({
        id: m.moderator_id,
        name: m.moderator_name,
        selected: m.moderator_id === filter.moderatorId,
      })),
      actions: facets.actions.map((value) => ({ value, selected: value === filter.action })),
    });
  });

  const renderBans = async (
    req: Request,
    res: Response,
    form: { status?: number; values: Record<string, string>; errors: Record<string, string> },
  ) => {
    const fromId = typeof req.query.comment === 'string' && isId(req.query.comment) ? Number(req.query.comment) : null;
    const from = fromId ? await moderation.findForEdit(fromId).catch(() => undefined) : undefined;
    const rows = await bans.list();
    renderModPage(res, templates, 'mod-bans', {
      title: 'Bans',
      section: 'bans',
      status: form.status,
      values: from && !form.values.target ? { ...form.values, target: from.email } : form.values,
      errors: form.errors,
      errorList: Object.entries(form.errors).map(([field, message]) => ({ field, message })),
      fromComment: from
        ? { id: from.id, author: from.author, email: from.email, ip: from.ip, range: suggestedRange(from.ip) }
        : null,
      bans: rows.map((ban) => ({
        id: ban.id,
        kind: ban.kind === 'ip' ? (ban.value.includes('/') ? 'IP range' : 'IP') : 'email',
        value: ban.value,
        reason: ban.reason,
        by: ban.createdBy,
        since: exactTime(ban.createdAt),
        until: ban.lifted
          ? `lifted ${exactTime(ban.lifted.at)} by ${ban.lifted.by}`
          : ban.expiresAt
            ? `${ban.active ? '' : 'expired '}${exactTime(ban.expiresAt)}`
            : 'lifted by an admin',
        attempts: ban.attempts,
        active: ban.active,
      })),
    });
  };

  router.get('/mod/bans', async (req, res) => {
    await renderBans(req, res, { values: { target: '', reason: '', days: '' }, errors: {} });
  });

  router.post('/mod/bans', async (req, res) => {
    const form = parseBanForm(req.body ?? {}, new Date());
    if (!form.ok) {
      await renderBans(req, res, { status: 422, values: form.values, errors: form.errors });
      return;
    }
    const ban = await bans.ban(form.ban, signedInModerator(res));
    respond(req, res, { id: ban.id, kind: ban.kind, value: ban.value }, `Banned ${ban.value}.`);
  });

  router.post('/mod/bans/:id/lift', requireAdmin, async (req, res) => {
    const id = String(req.params.id ?? '');
    if (!isId(id)) throw notFound(messages.banNotFound);
    const ban = await bans.lift(Number(id), signedInModerator(res));
    respond(req, res, { id: ban.id, lifted: true }, `Lifted the ban on ${ban.value}.`);
  });

  for (const [path, highlighted] of [
    ['highlight', true],
    ['unhighlight', false],
  ] as const) {
    router.post(`/mod/comments/:id/${path}`, async (req, res) => {
      const comment = await moderation.setHighlight(commentId(req), highlighted, signedInModerator(res));
      respond(
        req,
        res,
        { id: comment.id, highlighted: comment.highlighted },
        `Comment ${comment.id} ${highlighted ? 'highlighted' : 'no longer highlighted'}.`,
      );
    });
  }

  registerQuestionModeration(router, { db, templates, questions });

  router.get('/mod/settings', requireAdmin, async (req, res) => {
    renderModPage(res, templates, 'mod-settings', {
      title: 'Settings',
      section: 'settings',
      values: settingsFormValues(await settings.current()),
      errors: {},
      saved: req.query.saved === '1',
    });
  });

  router.post('/mod/settings', requireAdmin, async (req, res) => {
    const form = parseSettingsForm(req.body ?? {});
    if (!form.ok) {
      renderModPage(res, templates, 'mod-settings', {
        title: 'Settings',
        section: 'settings',
        status: 422,
        values: form.values,
        errors: form.errors,
        errorList: EDITABLE_KEYS.filter((key) => form.errors[key]).map((key) => ({
          field: key,
          message: form.errors[key],
        })),
      });
      return;
    }
    await settings.update(form.change, signedInModerator(res));
    res.redirect(303, '/mod/settings?saved=1');
  });

  return router;
}
