import { Router } from 'express';
import { AppError } from '../http/app-error.js';
import { moderationFormBody } from '../http/body-parsers.js';
import { messages } from '../messages.js';
import type { Templates } from '../views/templates.js';
import { currentModerator, newCsrfToken, verifyCsrf } from './guards.js';
import type { SignIn } from './sign-in.service.js';

/** Only paths inside the moderation area: `next` must never send anyone off-site. */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/mod(\/[^/\\]|\?|$)/.test(value) ? value : '/mod';
}

export function signInRoutes(deps: { templates: Templates; signIn: SignIn }): Router {
  const { templates, signIn } = deps;
  const router = Router();

  const renderLogin = (values: { email: string; next: string }, error?: AppError) =>
    templates.page('login', {
      title: 'Sign in',
      values,
      error: error?.message,
      errorField: error && error.status === 401 ? 'email' : 'password',
    });

  router.get('/login', (req, res) => {
    if (currentModerator(res)) return res.redirect(303, safeNext(req.query.next));
    res.type('html').send(renderLogin({ email: '', next: safeNext(req.query.next) }));
  });

  router.post('/login', moderationFormBody, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = typeof body.email === 'string' ? body.email : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const next = safeNext(body.next);
    try {
      if (!email.trim() || !password) throw new AppError(422, 'invalid', messages.signInFieldsRequired);
      const moderator = await signIn({ email, password, ip: req.ip ?? null });
      // A new session id on sign-in: an id planted before sign-in (session fixation) is worthless.
      await new Promise<void>((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())));
      req.session.moderatorId = moderator.id;
      req.session.csrfToken = newCsrfToken();
      await new Promise<void>((resolve, reject) => req.session.save((e) => (e ? reject(e) : resolve())));
      res.redirect(303, next);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      if (error.status === 429) res.set('Retry-After', '60');
      res.status(error.status).type('html').send(renderLogin({ email, next }, error));
    }
  });

  router.get('/logout', (_req, res) => {
    if (!currentModerator(res)) return res.redirect(303, '/login');
    res.type('html').send(templates.page('logout', { title: 'Sign out', csrfToken: res.req.session.csrfToken }));
  });

  router.post('/logout', moderationFormBody, (req, res, next) => {
    if (!req.session?.moderatorId) return res.redirect(303, '/login');
    verifyCsrf(req, res, (error?: unknown) => {
      if (error) return next(error);
      req.session.destroy((destroyError) => {
        if (destroyError) return next(destroyError);
        res.clearCookie('oq_session', { path: '/' });
        res.redirect(303, '/login');
      });
    });
  });

  return router;
}
