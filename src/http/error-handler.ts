import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { messages } from '../messages.js';
import type { Templates } from '../views/templates.js';
import { AppError } from './app-error.js';

/** Errors from Express's body parsers, by their `type`. */
const PARSER_ERRORS: Record<string, AppError> = {
  'entity.too.large': new AppError(413, 'too_large', messages.tooLarge),
  'parameters.too.many': new AppError(413, 'too_large', messages.tooLarge),
  'entity.parse.failed': new AppError(400, 'malformed', messages.malformedRequest),
  'encoding.unsupported': new AppError(415, 'unsupported_encoding', messages.malformedRequest),
  'charset.unsupported': new AppError(415, 'unsupported_charset', messages.invalidEncoding),
  'request.aborted': new AppError(400, 'aborted', messages.malformedRequest),
};

/** Driver errors that mean the database is away, not that the request was wrong. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08006',
  '08001',
  '08003',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    message,
  );
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const type = (error as { type?: unknown })?.type;
  if (typeof type === 'string' && PARSER_ERRORS[type]) return PARSER_ERRORS[type];
  if (isDatabaseUnavailable(error)) return new AppError(503, 'unavailable', messages.unavailable);
  return new AppError(500, 'internal', messages.internal);
}

export function wantsJson(req: Request): boolean {
  return req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json';
}

/** The one place errors become responses: the error page in the site's layout, or JSON. */
export function errorHandler(templates: Templates, logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const appError = toAppError(error);
    if (appError.status >= 500) logger.error({ err: error, url: req.originalUrl }, 'request failed');
    if (res.headersSent) return;
    res.status(appError.status);
    if (appError.retryAfterSeconds !== undefined) res.set('Retry-After', String(appError.retryAfterSeconds));
    else if (appError.status === 503) res.set('Retry-After', '30');
    if (wantsJson(req)) {
      res.json({
        errors: { form: appError.message, ...appError.fields },
        code: appError.code,
        message: appError.message,
      });
      return;
    }
    res.type('html').send(
      templates.page('error', {
        title: errorTitle(appError.status),
        status: appError.status,
        message: appError.message,
      }),
    );
  };
}

function errorTitle(status: number): string {
  if (status === 404) return 'Page not found';
  if (status === 403) return 'Request refused';
  if (status === 413) return 'Too large';
  if (status === 503) return 'Back in a moment';
  if (status === 429) return 'Slow down';
  if (status >= 500) return 'Something went wrong';
  return 'There is a problem';
}
