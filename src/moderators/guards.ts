import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../http/app-error.js';
import { wantsJson } from '../http/error-handler.js';
import { messages } from '../messages.js';
import type { Moderator } from './moderator.js';
import type { ModeratorAccounts } from './moderator.service.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The signed-in moderator, set by `loadModerator` (absent when signed out). */
export function currentModerator(res: Response): Moderator | undefined {
  return res.locals.moderator as Moderator | undefined;
}

export function signedInModerator(res: Response): Moderator {
  const moderator = currentModerator(res);
  if (!moderator) throw new AppError(401, 'signed_out', messages.signInRequired);
  return moderator;
}

/**
 * Reads the moderator from the database on every request, so a removed account
 * or a changed role takes effect at once rather than when the session ends.
 */
export function loadModerator(accounts: ModeratorAccounts) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const id = req.session?.moderatorId;
    if (id === undefined) return next();
    const moderator = await accounts.findById(id);
    if (moderator) res.locals.moderator = moderator;
    else await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    next();
  };
}

/** Signed out: a page asks to sign in first; anything else is a 401. */
export function requireModerator(req: Request, res: Response, next: NextFunction): void {
  if (currentModerator(res)) {
    next();
    return;
  }
  if ((req.method === 'GET' || req.method === 'HEAD') && !wantsJson(req)) {
    res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  next(new AppError(401, 'signed_out', messages.signInRequired));
}

export function requireAdmin(_req: Request, res: Response, next: NextFunction): void {
  next(currentModerator(res)?.role === 'admin' ? undefined : new AppError(403, 'admin_only', messages.adminOnly));
}

/**
 * Every state change under /mod carries the session's synchronizer token, as the
 * `_csrf` field of a form or an `X-CSRF-Token` header; missing or wrong is a 403.
 */
export function verifyCsrf(req: Request, _res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method)) {
    next();
    return;
  }
  const expected = req.session?.csrfToken;
  const sent = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token');
  const ok = typeof expected === 'string' && typeof sent === 'string' && sameToken(expected, sent);
  next(ok ? undefined : new AppError(403, 'csrf', messages.csrfInvalid));
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
