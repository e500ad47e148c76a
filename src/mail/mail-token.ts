import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed tokens in mail links: what they allow is in the token, so a link works with no
 * sign-in and no cookie, and nobody can make one for another address. A confirmation
 * expires (a stale one should not subscribe anyone); a way out never does (RFC 8058
 * asks that List-Unsubscribe keep working).
 */
export type MailTokenPurpose = 'confirm' | 'manage';

const CONFIRM_TTL_MS = 7 * 24 * 3600 * 1000;

interface Payload {
  p: MailTokenPurpose;
  e: string;
  /** Expiry, ms since the epoch; absent: never. */
  x?: number;
}

export function signMailToken(secret: string, purpose: MailTokenPurpose, email: string, now = Date.now()): string {
  const payload: Payload = { p: purpose, e: email };
  if (purpose === 'confirm') payload.x = now + CONFIRM_TTL_MS;
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${sign(secret, body)}`;
}

/** The address a valid, unexpired token of that purpose is for; undefined otherwise. */
export function readMailToken(
  secret: string,
  purpose: MailTokenPurpose,
  token: unknown,
  now = Date.now(),
): string | undefined {
  if (typeof token !== 'string' || token.length > 2_000) return undefined;
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<Payload>;
    if (payload.p !== purpose || typeof payload.e !== 'string') return undefined;
    if (payload.x !== undefined && payload.x < now) return undefined;
    return payload.e;
  } catch {
    return undefined;
  }
}

function sign(secret: string, body: string): string {
  // A key of its own, so a mail token can never pass for another of the forum's signatures.
  return createHmac('sha256', `mail-token:${secret}`).update(body).digest('base64url');
}
