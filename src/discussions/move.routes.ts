import { Router } from 'express';
import type { DB } from '../db/database.js';
import { notFound } from '../http/app-error.js';
import { jsonBody, moderationFormBody } from '../http/body-parsers.js';
import { wantsJson } from '../http/error-handler.js';
import { parseId } from '../http/ids.js';
import { messages } from '../messages.js';
import { renderModPage, setNotice } from '../moderation/mod-page.js';
import { requireModerator, signedInModerator, verifyCsrf } from '../moderators/guards.js';
import { commentOnPage, questionPath } from '../questions/question.js';
import type { Templates } from '../views/templates.js';
import { type CommentMover, findMovable } from './move.service.js';

/** Moving a comment (and its replies) out of a post's discussion to one of its questions. */
export function moveRoutes(deps: { db: DB; templates: Templates; moveComment: CommentMover }): Router {
  const { db, templates, moveComment } = deps;
  const router = Router();
  const guards = [moderationFormBody, jsonBody, requireModerator, verifyCsrf];
  const idOf = (text: unknown) => {
    const id = parseId(text);
    if (id === undefined) throw notFound(messages.commentNotFound);
    return id;
  };

  router.get('/mod/comments/:id/move', ...guards, async (req, res) => {
    const { comment, targets } = await findMovable(db, idOf(req.params.id));
    renderModPage(res, templates, 'mod-comment-move', {
      title: `Move comment ${comment.id}`,
      section: 'queue',
      id: comment.id,
      author: comment.author,
      question: { url: questionPath(comment.slug), wording: comment.wording },
      targets,
    });
  });

  router.post('/mod/comments/:id/move', ...guards, async (req, res) => {
    const id = idOf(req.params.id);
    const field = (req.body as Record<string, unknown> | undefined)?.question;
    const outcome = await moveComment(id, typeof field === 'string' ? field : '', signedInModerator(res));
    if (wantsJson(req)) {
      res.json({
        id,
        moved: outcome.moved,
        question: { slug: outcome.question.slug, url: questionPath(outcome.question.slug) },
      });
      return;
    }
    setNotice(req, `Moved comment ${id} and its replies (${outcome.moved} in all) to “${outcome.question.wording}”.`);
    res.redirect(303, commentOnPage(outcome.question.slug, id, 1));
  });
  return router;
}
