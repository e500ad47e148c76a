import { Router } from 'express';
import { z } from 'zod';
import type { DB } from '../db/database.js';
import { notFound } from '../http/app-error.js';
import { messages } from '../messages.js';
import { findPostBySlug } from '../posts/post.repository.js';
import { toQuestion } from '../questions/question.js';
import { chooseOrder, sortParam } from '../questions/reader-order.js';
import type { RenderThreadPage } from '../questions/thread-page.js';
import { findDiscussion } from './discussion.repository.js';

const pageQuery = z.object({
  page: z
    .string()
    .regex(/^[1-9]\d{0,5}$/)
    .transform(Number)
    .optional(),
  sort: sortParam,
});

/**
 * A post's discussion (the comments it had on WordPress, and new ones): the thread
 * page of the post's discussion question, so form, live updates and moderation are
 * the same as a question's.
 */
export function discussionRoutes(deps: { db: DB; renderThreadPage: RenderThreadPage }): Router {
  const { db, renderThreadPage } = deps;
  const router = Router();
  router.get('/posts/:slug/discussion', async (req, res) => {
    const post = await findPostBySlug(db, req.params.slug);
    const discussion = post && (await findDiscussion(db, post.id));
    if (!discussion) throw notFound(messages.discussionNotFound);
    const query = pageQuery.safeParse(req.query);
    if (!query.success) throw notFound(messages.pageNotFound);
    await renderThreadPage(req, res, toQuestion(discussion), {
      pageNumber: query.data.page,
      order: chooseOrder(req, res, query.data.sort),
    });
  });
  return router;
}
