import express from 'express';
import { messages } from '../messages.js';
import { AppError } from './app-error.js';

/** Room for a 10,000-character answer in any script, percent-encoded, with the other fields. */
const BODY_LIMIT = '256kb';
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function assertUtf8(buffer: Buffer): void {
  try {
    strictUtf8.decode(buffer);
  } catch {
    throw new AppError(400, 'invalid_utf8', messages.invalidEncoding);
  }
}

/** A form body is ASCII with %-escapes: each escaped run must itself be UTF-8. */
function assertFormUtf8(buffer: Buffer): void {
  assertUtf8(buffer);
  for (const pair of buffer.toString('utf8').split('&')) {
    try {
      decodeURIComponent(pair.replace(/\+/g, ' '));
    } catch {
      throw new AppError(400, 'invalid_utf8', messages.invalidEncoding);
    }
  }
}

export const formBody = express.urlencoded({
  extended: false,
  limit: BODY_LIMIT,
  parameterLimit: 50,
  verify: (_req, _res, buffer) => assertFormUtf8(buffer),
});

export const jsonBody = express.json({
  limit: BODY_LIMIT,
  strict: true,
  verify: (_req, _res, buffer) => assertUtf8(buffer),
});

/** Moderators' forms: bulk actions post one `ids[]` field per selected comment. */
export const moderationFormBody = express.urlencoded({
  extended: false,
  limit: BODY_LIMIT,
  parameterLimit: 1_000,
  verify: (_req, _res, buffer) => assertFormUtf8(buffer),
});
