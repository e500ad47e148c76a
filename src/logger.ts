import { type Logger, pino } from 'pino';

/** Structured JSON logs. Emails, passwords, tokens, cookies and bodies never go in. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        '*.email',
        '*.password',
        '*.body',
        '*.token',
        '*.captcha_token',
      ],
      censor: '[redacted]',
    },
  });
}
