import session from 'express-session';
import type { SignInSettings } from '../config.js';
import type { DB } from '../db/database.js';
import { KyselySessionStore } from './session-store.js';

declare module 'express-session' {
  interface SessionData {
    moderatorId: number;
    /** The synchronizer token every /mod form carries as `_csrf`. */
    csrfToken: string;
    /** A one-time message for the next /mod page. */
    notice: string;
  }
}

export const SESSION_COOKIE = 'oq_session';

/**
 * Sessions exist for moderators only: readers never get one (saveUninitialized is
 * off and the middleware is mounted on /login, /logout and /mod alone).
 */
export function sessionMiddleware(db: DB, secret: string, settings: SignInSettings) {
  const idleMs = settings.idleMinutes * 60_000;
  return session({
    name: SESSION_COOKIE,
    secret,
    store: new KyselySessionStore(db, idleMs),
    resave: false,
    saveUninitialized: false,
    // Every request restarts the idle clock, in the cookie and in the store.
    rolling: true,
    unset: 'destroy',
    cookie: { httpOnly: true, sameSite: 'lax', secure: settings.cookieSecure, maxAge: idleMs, path: '/' },
  });
}
