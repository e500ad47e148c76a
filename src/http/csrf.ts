import { doubleCsrf } from 'csrf-csrf';
import type { Request, Response } from 'express';
import { messages } from '../messages.js';
import { AppError } from './app-error.js';
import { ensureVisitorId, visitorIdOf } from './visitor.js';

/** The hidden field every state-changing public form carries. */
export const CSRF_FIELD = '_csrf';

export interface Csrf {
  /** A token for a form on this page; sets the cookies it is checked against. */
  token(req: Request, res: Response): string;
  /** Throws a 403 AppError unless the request carries a token matching its cookie. */
  check(req: Request): void;
}

/**
 * CSRF tokens for the public forms: the double-submit cookie pattern (csrf-csrf),
 * bound to the browser's visitor id, since readers have no session. (Moderators'
 * forms use the synchronizer token in their session.)
 */
export function createCsrf(secret: string, secureCookies: boolean): Csrf {
  const { generateCsrfToken, validateRequest } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => visitorIdOf(req) ?? '',
    cookieName: 'oq_csrf',
    cookieOptions: { sameSite: 'lax', secure: secureCookies, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) => {
      const token = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
      return typeof token === 'string' ? token : undefined;
    },
  });
  return {
    token(req, res) {
      ensureVisitorId(req, res);
      return generateCsrfToken(req, res);
    },
    check(req) {
      if (!validateRequest(req)) {
        throw new AppError(403, 'csrf_invalid', messages.commentFormExpired, { form: messages.commentFormExpired });
      }
    },
  };
}
