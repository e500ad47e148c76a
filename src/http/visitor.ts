import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import onHeaders from 'on-headers';

/**
 * Two cookies, as WordPress keeps them: a random id for this browser (so it alone
 * sees its own held comments, and its reports count once) and the details it last
 * commented with (to fill the form next time). Both HttpOnly: the server fills the form.
 *
 * The visitor id is signed (cookie-parser, with the session secret): only an id the
 * forum issued on an earlier response comes back in `req.signedCookies`, so a script
 * cannot mint readers by making ids up. SameSite=Lax keeps it off cross-site posts.
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

/** The id this browser sent back: one the forum issued on an earlier response. */
export function returningVisitorIdOf(req: Request): string | undefined {
  const id = req.signedCookies?.[VISITOR_COOKIE];
  return typeof id === 'string' && VISITOR_ID.test(id) ? id : undefined;
}

/** The browser's id: the one it sent back, or the one made during this very request. */
export function visitorIdOf(req: Request): string | undefined {
  const returning = returningVisitorIdOf(req);
  if (returning) return returning;
  // Made during this request (its cookie goes out with the response).
  const made = req.res?.locals.visitorId;
  return typeof made === 'string' ? made : undefined;
}

/** The browser's id, made and set the first time it is shown a page. */
export function ensureVisitorId(req: Request, res: Response): string {
  const existing = visitorIdOf(req);
  if (existing) return existing;
  // An id from before cookies were signed is kept (signed now), so its browser still
  // sees its own held comments; being random, it is worth no more than a new one.
  const unsigned = req.cookies?.[VISITOR_COOKIE];
  const id =
    typeof unsigned === 'string' && VISITOR_ID.test(unsigned) ? unsigned : randomBytes(18).toString('base64url');
  res.locals.visitorId = id;
  res.cookie(VISITOR_COOKIE, id, { ...cookieOptions(req), signed: true });
  return id;
}

/**
 * Every HTML page issues the visitor cookie, the front page included: a reader who then
 * opens several questions at once sends the same id from every tab, and a report counts
 * only from a browser that was shown a page before.
 */
export function issueVisitorCookie(req: Request, res: Response, next: NextFunction): void {
  onHeaders(res, () => {
    const type = res.getHeader('Content-Type');
    if (typeof type === 'string' && type.startsWith('text/html')) ensureVisitorId(req, res);
  });
  next();
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
