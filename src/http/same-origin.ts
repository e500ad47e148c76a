import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { messages } from '../messages.js';
import { AppError } from './app-error.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a request names another site as where it came from. With PUBLIC_URL set,
 * the forum's own origin is PUBLIC_URL's: behind a proxy that rewrites Host (to
 * 127.0.0.1:3001, say) the Host header no longer says what the browser was on.
 * Without it, the Host the browser sent. A request that names no origin (curl,
 * privacy-minded browsers, non-browser Socket.IO clients) is not foreign: it goes on
 * to the form's own checks.
 */
export function isForeign(request: IncomingMessage, publicOrigin: string | undefined): boolean {
  const claimed = request.headers.origin ?? request.headers.referer;
  if (claimed === undefined || claimed === '') return false;
  const origin = parseOrigin(claimed);
  if (origin === undefined) return true;
  if (publicOrigin !== undefined) return origin.origin !== publicOrigin;
  return origin.host !== request.headers.host?.toLowerCase();
}

function parseOrigin(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    // "null" (a sandboxed or privacy-redirected origin) and garbage both count as foreign.
    return undefined;
  }
}

/**
 * A state-changing request from another site is refused, whatever tokens it carries
 * (docs/CONTRACT.md).
 */
export function sameOrigin(publicOrigin: string | undefined) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const foreign = !SAFE_METHODS.has(req.method) && isForeign(req, publicOrigin);
    next(foreign ? new AppError(403, 'cross_site', messages.crossSite) : undefined);
  };
}

/**
 * Socket.IO's (engine.io's) `allowRequest`: a page on another site may not open a
 * live connection either (it would read every event a reader gets). Browsers send
 * Origin on every WebSocket and cross-site request, so the same rule applies to the
 * handshake and to each polling request.
 */
export function sameOriginSockets(publicOrigin: string | undefined) {
  return (request: IncomingMessage, callback: (error: string | null | undefined, allowed: boolean) => void): void => {
    const foreign = isForeign(request, publicOrigin);
    callback(foreign ? messages.crossSite : null, !foreign);
  };
}
