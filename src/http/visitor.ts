import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

/**
 * Two cookies, as WordPress keeps them: a random id for this browser (so it alone
 * sees its own held comments) and the details it last commented with (to fill
 * the form next time). Both HttpOnly: the server fills the form.
 */
const VISITOR_COOKIE = 'oq_visitor';
const COMMENTER_COOKIE = 'oq_commenter';
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;
const VISITOR_ID = /^[A-Za-z0-9_-]{22,64}$/;

export interface Commenter {
  author: string;
  email: string;
  url: string;
  /** The email checkboxes, ticked as they were last time (src/mail/). */
  notifyReplies?: boolean;
  notifyQuestion?: boolean;
}

export function visitorIdOf(req: Request): string | undefined {
  const id = req.cookies?.[VISITOR_COOKIE];
  if (typeof id === 'string' && VISITOR_ID.test(id)) return id;
  // Made during this very request (its cookie goes out with the response).
  const made = req.res?.locals.visitorId;
  return typeof made === 'string' ? made : undefined;
}

/** The browser's id, made and set the first time it is shown a form. */
export function ensureVisitorId(req: Request, res: Response): string {
  const existing = visitorIdOf(req);
  if (existing) return existing;
  const id = randomBytes(18).toString('base64url');
  res.locals.visitorId = id;
  res.cookie(VISITOR_COOKIE, id, cookieOptions(req));
  return id;
}

export function commenterOf(req: Request): Commenter | undefined {
  const raw = req.cookies?.[COMMENTER_COOKIE];
  if (typeof raw !== 'string') return undefined;
  try {
    const value = JSON.parse(raw) as Partial<Commenter>;
    return {
      author: String(value.author ?? ''),
      email: String(value.email ?? ''),
      url: String(value.url ?? ''),
      notifyReplies: value.notifyReplies === true,
      notifyQuestion: value.notifyQuestion === true,
    };
  } catch {
    return undefined;
  }
}

export function rememberCommenter(req: Request, res: Response, commenter: Commenter): void {
  res.cookie(COMMENTER_COOKIE, JSON.stringify(commenter), cookieOptions(req));
}

function cookieOptions(req: Request) {
  return { httpOnly: true, sameSite: 'lax' as const, secure: req.secure, maxAge: ONE_YEAR_MS, path: '/' };
}
