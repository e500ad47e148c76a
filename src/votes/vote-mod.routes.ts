import { Router } from 'express';
import { commentAddress } from '../comments/comment.js';
import type { DB } from '../db/database.js';
import { renderModPage } from '../moderation/mod-page.js';
import { excerpt } from '../moderation/queue-view.js';
import { requireModerator } from '../moderators/guards.js';
import { questionPath } from '../questions/question.js';
import type { Templates } from '../views/templates.js';
import { mostVotedComments, voteBursts } from './vote.repository.js';

/** The last day's votes are searched for bursts. */
const BURST_LOOKBACK_MS = 24 * 3600 * 1000;
/** A burst: this many votes from one address range on one question within the window. */
const BURST_WINDOW_MINUTES = 10;
const BURST_AT_LEAST = 20;
const LISTED = 100;

/**
 * `/mod/votes`: vote totals per comment, and bursts of votes from one address range
 * (/24, or /48 for IPv6) to spot brigading. Ranges and counts only: no visitor ids.
 */
export function voteModRoutes(deps: { db: DB; templates: Templates }): Router {
  const { db, templates } = deps;
  const router = Router();

  router.get('/mod/votes', requireModerator, async (_req, res) => {
    const now = Date.now();
    const [totals, bursts] = await Promise.all([
      mostVotedComments(db, LISTED),
      voteBursts(db, {
        since: new Date(now - BURST_LOOKBACK_MS),
        windowMinutes: BURST_WINDOW_MINUTES,
        atLeast: BURST_AT_LEAST,
        limit: LISTED,
      }),
    ]);
    renderModPage(res, templates, 'mod-votes', {
      title: 'Votes',
      section: 'votes',
      burst: { windowMinutes: BURST_WINDOW_MINUTES, atLeast: BURST_AT_LEAST },
      totals: totals.map((row) => ({
        id: row.id,
        url: commentAddress(row.id),
        author: row.author,
        excerpt: excerpt(row.body_html, 100),
        status: row.status,
        removed: row.status !== 'approved',
        question: { wording: row.wording, url: questionPath(row.slug) },
        agree: row.agree,
        disagree: row.disagree,
        pass: row.pass,
      })),
      bursts: bursts.map((row) => ({
        range: row.ip_range,
        from: new Date(row.window_start),
        question: { wording: row.wording, url: questionPath(row.slug) },
        votes: row.votes,
        voters: row.voters,
        comments: row.comments,
      })),
    });
  });

  return router;
}
