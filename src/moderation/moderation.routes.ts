import { Router } from 'express';
import { jsonBody, moderationFormBody } from '../http/body-parsers.js';
import { requireAdmin, requireModerator, signedInModerator, verifyCsrf } from '../moderators/guards.js';
import type { Templates } from '../views/templates.js';
import { renderModPage } from './mod-page.js';
import { EDITABLE_KEYS, parseSettingsForm, settingsFormValues } from './settings.js';
import type { SettingsService } from './settings.service.js';

export interface ModerationRoutesDeps {
  templates: Templates;
  settings: SettingsService;
}

/**
 * The moderation area. Everything under /mod needs a signed-in moderator, and every
 * state change the session's CSRF token; admin-only routes add `requireAdmin`.
 */
export function moderationRoutes(deps: ModerationRoutesDeps): Router {
  const { templates, settings } = deps;
  const router = Router();
  router.use('/mod', moderationFormBody, jsonBody, requireModerator, verifyCsrf);

  router.get('/mod', (_req, res) => {
    renderModPage(res, templates, 'mod-queue', { title: 'Queue', section: 'queue' });
  });

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
