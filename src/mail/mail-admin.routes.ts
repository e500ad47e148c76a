import { Router } from 'express';
import { AppError } from '../http/app-error.js';
import { formBody } from '../http/body-parsers.js';
import { parseId } from '../http/ids.js';
import { messages } from '../messages.js';
import { renderModPage, setNotice } from '../moderation/mod-page.js';
import { requireAdmin, requireModerator, verifyCsrf } from '../moderators/guards.js';
import type { Templates } from '../views/templates.js';
import type { Mail } from './mail.service.js';

/** `/mod/mail`, admins only: what could not be sent and why, with a way to try again. */
export function mailAdminRoutes(deps: { templates: Templates; mail: Mail }): Router {
  const { templates, mail } = deps;
  const router = Router();
  router.use('/mod/mail', formBody, requireModerator, requireAdmin, verifyCsrf);

  router.get('/mod/mail', async (_req, res) => {
    const [failed, bounced, counts] = await Promise.all([mail.failed(), mail.bounced(), mail.counts()]);
    renderModPage(res, templates, 'mod-mail', {
      title: 'Mail',
      section: 'mail',
      counts: {
        queued: counts.queued ?? 0,
        sent: counts.sent ?? 0,
        failed: counts.failed ?? 0,
        cancelled: counts.cancelled ?? 0,
      },
      failed: failed.map((row) => ({ ...row, created_at: new Date(row.created_at).toISOString() })),
      bounced: bounced.map((row) => ({ ...row, bounced_at: row.bounced_at && new Date(row.bounced_at).toISOString() })),
    });
  });

  router.post('/mod/mail/:id/retry', async (req, res) => {
    const id = parseId(req.params.id);
    if (id === undefined || !(await mail.retry(id))) throw new AppError(404, 'not_found', messages.mailNotFound);
    await mail.tick();
    setNotice(req, messages.mailRetried(id));
    res.redirect(303, '/mod/mail');
  });

  return router;
}
