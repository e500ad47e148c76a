import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { messages } from '../messages.js';
import { AppError } from './app-error.js';
import { ensureVisitorId, returningVisitorIdOf } from './visitor.js';

/** The hidden field every state-changing public form carries. */
export const CSRF_FIELD = '_csrf';

// Longer than a captcha lives, so a form left open fails on its sum first (which says
// so); a day covers an answer written over an evening.
const TOKEN_LIFETIME_MS = 24 * 3600 * 1000;

export interface Csrf {
  /** A token for a form on this page; sets the visitor cookie it is checked with. */
  token(req: Request, res: Response): string;
  /** Throws a 403 AppError, with a message that says what went wrong, unless the token holds. */
  check(req: Request, now?: number): void;
}

/**
 * CSRF tokens for the public forms (readers have no session; moderators' forms use the
 * synchronizer token in theirs). A token is signed with the server's secret, carries
 * when it was issued, and is bound to the browser it was issued to:
 * - a page shown to a browser that sent its visitor cookie: bound to that visitor id;
 * - a page shown to a browser with no cookie yet (a first visit): bound to its address.
 *   Tabs opened at once before any cookie was set each get a different new cookie and
 *   only the last one stays, so a first-visit token cannot name the cookie.
 * Every post must also carry a visitor cookie the forum signed: it is SameSite=Lax, so
 * a post from another site never has it. The same-origin check refuses those anyway.
 */
export function createCsrf(secret: string): Csrf {
  const mac = (kind: string, issuedAt: string, binding: string) =>
    createHmac('sha256', secret).update(`csrf|${kind}|${issuedAt}|${binding}`).digest('base64url');

  return {
    token(req, res) {
      const returning = returningVisitorIdOf(req);
      ensureVisitorId(req, res);
      const [kind, binding] = returning ? ['v', returning] : ['a', req.ip ?? ''];
      const issuedAt = Date.now().toString(36);
      return `${kind}.${issuedAt}.${mac(kind, issuedAt, binding)}`;
    },
    check(req, now = Date.now()) {
      const refuse = (code: string, message: string) => new AppError(403, code, message, { form: message });
      const visitorId = returningVisitorIdOf(req);
      if (!visitorId) throw refuse('cookie_missing', messages.formCookieMissing);
      const sent = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
      const [kind, issuedAt, signature, extra] = typeof sent === 'string' ? sent.split('.') : [];
      const binding = kind === 'v' ? visitorId : kind === 'a' ? (req.ip ?? '') : undefined;
      if (binding === undefined || !issuedAt || !signature || extra !== undefined) {
        throw refuse('csrf_invalid', messages.commentFormNotIssuedHere);
      }
      const expected = Buffer.from(mac(kind as string, issuedAt, binding));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw refuse('csrf_invalid', messages.commentFormNotIssuedHere);
      }
      if (now - Number.parseInt(issuedAt, 36) > TOKEN_LIFETIME_MS) {
        throw refuse('csrf_expired', messages.commentFormExpired);
      }
    },
  };
}
