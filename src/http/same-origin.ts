import type { NextFunction, Request, Response } from 'express';
import { messages } from '../messages.js';
import { AppError } from './app-error.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A state-changing request whose Origin or Referer names another site is refused,
 * whatever tokens it carries (PRODUCT.md). Requests with neither header (curl,
 * privacy-minded browsers) pass to the form's own checks.
 */
export function sameOrigin(req: Request, _res: Response, next: NextFunction): void {
  const claimed = SAFE_METHODS.has(req.method) ? undefined : (req.get('origin') ?? req.get('referer'));
  const foreign = claimed !== undefined && claimed !== '' && hostOf(claimed) !== req.get('host')?.toLowerCase();
  next(foreign ? new AppError(403, 'cross_site', messages.crossSite) : undefined);
}

function hostOf(value: string): string | null {
  try {
    return new URL(value).host.toLowerCase();
  } catch {
    // "null" (a sandboxed or privacy-redirected origin) and garbage both count as foreign.
    return null;
  }
}
