/**
 * The one error type that reaches the error middleware: a status, a stable code,
 * a message fit for the person who caused it, and per-field messages for forms.
 * Anything else that is thrown is an internal fault and shows as a plain 500.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Readonly<Record<string, string>> = {},
    /** Sent as Retry-After: when the client may try again (429, 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (message = 'There is nothing at this address.') => new AppError(404, 'not_found', message);
