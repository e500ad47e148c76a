import type { SignInSettings } from '../config.js';
import type { DB } from '../db/database.js';
import { AppError } from '../http/app-error.js';
import { messages } from '../messages.js';
import { purgeExpiredSessions } from '../sessions/session-store.js';
import { clearFailures, countRecentFailures, purgeOldFailures, recordFailure } from './login-attempt.repository.js';
import { type Moderator, normalizeEmail, toModerator } from './moderator.js';
import { findModeratorCredentials, recordLogin } from './moderator.repository.js';
import { hashForUnknownAccount, verifyPassword } from './password.js';

export interface SignInAttempt {
  email: string;
  password: string;
  ip: string | null;
  now?: Date;
}

/**
 * Checks a moderator's email and password. Failures are counted per account and per
 * IP in PostgreSQL, so every process sees them; past the limit both are refused
 * for a while with a 429. A refusal never says whether the email has an account.
 */
export function createSignIn(db: DB, settings: SignInSettings) {
  const windowMs = settings.lockoutMinutes * 60_000;

  return async function signIn(attempt: SignInAttempt): Promise<Moderator> {
    const now = attempt.now ?? new Date();
    const windowStart = new Date(now.getTime() - windowMs);
    const email = normalizeEmail(attempt.email);
    const accountKey = `account:${email}`;
    const keys = attempt.ip ? [accountKey, `ip:${attempt.ip}`] : [accountKey];

    const failures = await countRecentFailures(db, keys, windowStart);
    const accountLocked = (failures.get(accountKey) ?? 0) >= settings.maxFailuresPerAccount;
    const ipLocked = attempt.ip !== null && (failures.get(`ip:${attempt.ip}`) ?? 0) >= settings.maxFailuresPerIp;
    if (accountLocked || ipLocked) {
      throw new AppError(429, 'too_many_attempts', messages.tooManySignIns(settings.lockoutMinutes));
    }

    const account = await findModeratorCredentials(db, email);
    // An unknown email costs a hash check too, so the answer takes as long either way.
    const matches = await verifyPassword(attempt.password, account?.password_hash ?? (await hashForUnknownAccount()));
    if (!account || !matches) {
      await recordFailure(db, keys, now, windowStart);
      throw new AppError(401, 'wrong_credentials', messages.wrongCredentials, { email: messages.wrongCredentials });
    }

    await clearFailures(db, accountKey);
    await recordLogin(db, account.id, now);
    // Signing in is rare and cheap to piggy-back on: it keeps both tables small without a timer.
    await purgeExpiredSessions(db, now);
    await purgeOldFailures(db, windowStart);
    return toModerator({ ...account, last_login_at: now });
  };
}

export type SignIn = ReturnType<typeof createSignIn>;
