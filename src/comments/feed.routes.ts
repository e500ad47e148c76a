import { type Response, Router } from 'express';
import { STATUS_LABELS } from '../conclusions/question-status.js';
import type { DB } from '../db/database.js';
import { commentPath, questionPath } from '../questions/question.js';
import { questionBySlug } from '../questions/question.service.js';
import type { Templates } from '../views/templates.js';
import { commentAddress } from './comment.js';
import type { CommentService } from './comment.service.js';

const FEED_SIZE = 50;

/**
 * RSS 2.0 of the newest answers, as the seed's RSS share link promises, and one per
 * question for people who follow a thread without email.
 */
export function feedRoutes(db: DB, comments: CommentService, templates: Templates, publicUrl: string): Router {
  const router = Router();

  function send(
    res: Response,
    channel: { title: string; link: string; self: string; description: string },
    answers: Awaited<ReturnType<CommentService['latestAnswers']>>,
  ) {
    const items = answers.map((answer) => ({
      title: `${answer.author} on “${answer.question.wording}”`,
      link: `${publicUrl}${commentPath(answer.question.slug, answer.id)}`,
      guid: `${publicUrl}${commentAddress(answer.id)}`,
      date: answer.createdAt.toUTCString(),
      html: answer.html,
      // The question's status, so a feed reader can follow what became of it.
      category: STATUS_LABELS[answer.question.status],
    }));
    res
      .type('application/rss+xml; charset=utf-8')
      .send(templates.partial('feed', { ...channel, items, updated: items[0]?.date ?? new Date().toUTCString() }));
  }

  router.get('/feed.xml', async (_req, res) => {
    send(
      res,
      {
        title: 'Open Questions: newest answers',
        link: `${publicUrl}/`,
        self: `${publicUrl}/feed.xml`,
        description: 'The newest answers to the open questions.',
      },
      await comments.latestAnswers(FEED_SIZE),
    );
  });

  router.get('/questions/:slug/feed.xml', async (req, res) => {
    const question = await questionBySlug(db, req.params.slug);
    const path = questionPath(question.slug);
    send(
      res,
      {
        title: `Open Questions: answers to “${question.wording}”`,
        link: `${publicUrl}${path}`,
        self: `${publicUrl}${path}/feed.xml`,
        description: `The newest answers to “${question.wording}”.`,
      },
      await comments.latestAnswers(FEED_SIZE, question.id),
    );
  });
  return router;
}
