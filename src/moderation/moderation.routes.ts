import { Router } from 'express';
import { jsonBody, moderationFormBody } from '../http/body-parsers.js';
import { requireModerator, verifyCsrf } from '../moderators/guards.js';
import type { Templates } from '../views/templates.js';
import { renderModPage } from './mod-page.js';

export interface ModerationRoutesDeps {
  templates: Templates;
}

/**
 * The moderation area. Everything under /mod needs a signed-in moderator, and every
 * state change the session's CSRF token; admin-only routes add `requireAdmin`.
 */
export function moderationRoutes(deps: ModerationRoutesDeps): Router {
  const { templates } = deps;
  const router = Router();
  router.use('/mod', moderationFormBody, jsonBody, requireModerator, verifyCsrf);

  router.get('/mod', (_req, res) => {
    renderModPage(res, templates, 'mod-queue', { title: 'Queue', section: 'queue' });
  });

  return router;
}
