import { Router } from 'express';
import { STATUS_LABELS } from '../conclusions/question-status.js';
import type { DB } from '../db/database.js';
import { commentPath } from '../questions/question.js';
import type { Templates } from '../views/templates.js';
import { commentAddress } from './comment.js';
import { listLatestApproved } from './comment.repository.js';

const FEED_SIZE = 50;

/** RSS 2.0 of the newest answers, as the seed's RSS share link promises. */
export function feedRoutes(db: DB, templates: Templates, publicUrl: string): Router {
  const router = Router();
  router.get('/feed.xml', async (_req, res) => {
    const rows = await listLatestApproved(db, FEED_SIZE);
    const items = rows.map((row) => ({
      title: `${row.author} on “${row.wording}”`,
      link: `${publicUrl}${commentPath(row.slug, row.id)}`,
      guid: `${publicUrl}${commentAddress(row.id)}`,
      date: new Date(row.created_at).toUTCString(),
      html: row.body_html,
      // The question's status, so a feed reader can follow what became of it.
      category: STATUS_LABELS[row.status],
    }));
    res
      .type('application/rss+xml; charset=utf-8')
      .send(
        templates.partial('feed', { siteUrl: publicUrl, items, updated: items[0]?.date ?? new Date().toUTCString() }),
      );
  });
  return router;
}
