import { Router } from 'express';
import { commentPath } from '../questions/question.js';
import type { Templates } from '../views/templates.js';
import { commentAddress } from './comment.js';
import type { CommentService } from './comment.service.js';

const FEED_SIZE = 50;

/** RSS 2.0 of the newest answers, as the seed's RSS share link promises. */
export function feedRoutes(comments: CommentService, templates: Templates, publicUrl: string): Router {
  const router = Router();
  router.get('/feed.xml', async (_req, res) => {
    const items = (await comments.latestAnswers(FEED_SIZE)).map((answer) => ({
      title: `${answer.author} on “${answer.question.wording}”`,
      link: `${publicUrl}${commentPath(answer.question.slug, answer.id)}`,
      guid: `${publicUrl}${commentAddress(answer.id)}`,
      date: answer.createdAt.toUTCString(),
      html: answer.html,
    }));
    res
      .type('application/rss+xml; charset=utf-8')
      .send(
        templates.partial('feed', { siteUrl: publicUrl, items, updated: items[0]?.date ?? new Date().toUTCString() }),
      );
  });
  return router;
}
