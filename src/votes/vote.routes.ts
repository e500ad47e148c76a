import { type Response, Router } from 'express';
import { z } from 'zod';
import { commentAddress } from '../comments/comment.js';
import type { DB } from '../db/database.js';
import { AppError, notFound } from '../http/app-error.js';
import { formBody, jsonBody } from '../http/body-parsers.js';
import type { Csrf } from '../http/csrf.js';
import { wantsJson } from '../http/error-handler.js';
import { parseId } from '../http/ids.js';
import { visitorIdOf } from '../http/visitor.js';
import type { RateLimits } from '../limits/rate-limits.js';
import { messages } from '../messages.js';
import { questionBySlug } from '../questions/question.service.js';
import { votesOfVisitor } from './vote.repository.js';
import type { VoteService } from './vote.service.js';
import { voteChoices } from './vote.table.js';

/**
 * Tells the page script this browser has voted, so that it asks which way (and only
 * then): readable by the script, and holding nothing but "yes".
 */
export const VOTED_COOKIE = 'oq_voted';
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

const voteForm = z.object({ vote: z.enum(voteChoices, { error: messages.voteInvalid }) });

/**
 * `POST /comments/:id/vote`: a plain form (the Agree, Disagree and Pass buttons under
 * each comment submit the page's one vote form, which carries the reader's tokens), or
 * the page script's fetch asking for JSON.
 */
export function voteRoutes(deps: { db: DB; votes: VoteService; limits: RateLimits; csrf: Csrf }): Router {
  const { db, votes, limits, csrf } = deps;
  const router = Router();

  router.post('/comments/:id/vote', formBody, jsonBody, async (req, res) => {
    const commentId = parseId(req.params.id);
    if (commentId === undefined) throw notFound(messages.commentNotFound);
    const form = voteForm.safeParse(req.body ?? {});
    if (!form.success) throw new AppError(422, 'invalid', messages.voteInvalid, { vote: messages.voteInvalid });
    // A reader is a browser that was given its visitor cookie on an earlier page view: a
    // bare script posting here has none (and one made now would not count).
    const visitorId = visitorIdOf(req);
    if (!visitorId || res.locals.visitorId === visitorId) {
      throw new AppError(403, 'visitor_required', messages.voteNeedsPageView);
    }
    try {
      csrf.check(req);
    } catch {
      throw new AppError(403, 'csrf_invalid', messages.voteFormExpired);
    }
    await limits.consume('votesPerIp', req.ip ?? 'unknown');
    await limits.consume('votesPerVisitor', visitorId);
    const counts = await votes.castVote(commentId, form.data.vote, { visitorId, ip: req.ip ?? null });
    rememberVoted(res, req.secure);
    if (wantsJson(req)) {
      res.json(counts);
      return;
    }
    res.redirect(303, commentAddress(commentId));
  });

  /** The reader's own votes on a question: the page marks their choices from this. */
  router.get('/api/questions/:slug/votes/mine', async (req, res) => {
    const question = await questionBySlug(db, req.params.slug as string);
    const visitorId = visitorIdOf(req);
    const mine = visitorId ? await votesOfVisitor(db, question.id, visitorId) : new Map();
    res.set('Cache-Control', 'private, no-store').json({ votes: Object.fromEntries(mine) });
  });

  return router;
}

function rememberVoted(res: Response, secure: boolean): void {
  res.cookie(VOTED_COOKIE, '1', { httpOnly: false, sameSite: 'lax', secure, maxAge: ONE_YEAR_MS, path: '/' });
}
