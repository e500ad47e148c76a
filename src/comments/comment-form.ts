import { z } from 'zod';
import { isId } from '../http/ids.js';
import { messages } from '../messages.js';
import type { CommentDraft } from './comment.service.js';

export const BODY_LIMIT = 10_000;
const AUTHOR_LIMIT = 100;
const EMAIL_LIMIT = 254;
const URL_LIMIT = 2_000;

/** The fields of the comment form, as docs/CONTRACT.md names them. */
export const FORM_FIELDS = [
  'author',
  'email',
  'url',
  'body',
  'parent_id',
  'captcha_answer',
  'captcha_token',
  'homepage',
  'notify_replies',
  'notify_question',
] as const;
export type FormValues = Record<(typeof FORM_FIELDS)[number], string>;

/** The email a commenter asked for with the form's two checkboxes (src/mail/). */
export interface NotifyChoice {
  replies: boolean;
  question: boolean;
}

/** A ticked checkbox sends its value ("1", or "on" without one); JSON may say true. */
const ticked = (value: string) => value !== '' && value !== '0' && value !== 'false';
const CHECKBOXES = new Set<string>(['notify_replies', 'notify_question']);

// C0 and C1 control characters other than tab and line breaks: never part of prose.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const noControls = (value: string) => !CONTROL.test(value);
// Zero-width spaces and bidi overrides/isolates let a name impersonate another or
// reverse the text around it. (The zero-width joiners and direction marks stay:
// Persian names and emoji need them.)
const INVISIBLE_FORMATTING = /[\u200B\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;
const noInvisibleFormatting = (value: string) => !INVISIBLE_FORMATTING.test(value);

const text = (required: string, limit: number, tooLong: string) =>
  z
    .string()
    .transform((value) => value.normalize('NFC').trim())
    .pipe(z.string().min(1, required).max(limit, tooLong).refine(noControls, messages.controlCharacters));

/**
 * What a commenter writes, checked the same wherever it is written: the public form,
 * and a moderator's edit or reply (src/moderation/comment-edit-form.ts).
 */
export const commentFields = {
  author: text(messages.authorRequired, AUTHOR_LIMIT, messages.authorTooLong).refine(
    noInvisibleFormatting,
    messages.invisibleFormatting,
  ),
  email: text(messages.emailRequired, EMAIL_LIMIT, messages.emailTooLong).pipe(z.email(messages.emailInvalid)),
  url: z
    .string()
    .transform((value) => value.trim())
    .pipe(z.string().max(URL_LIMIT, messages.urlTooLong).refine(noControls, messages.controlCharacters))
    .transform(withScheme)
    .refine((value) => value === '' || isWebAddress(value), messages.urlInvalid),
  body: z
    .string()
    .transform((value) => value.normalize('NFC').replace(/\r\n?/g, '\n'))
    .pipe(
      z
        .string()
        .refine((value) => value.trim().length > 0, messages.bodyRequired)
        .refine((value) => [...value].length <= BODY_LIMIT, messages.bodyTooLong(BODY_LIMIT))
        .refine(noControls, messages.controlCharacters),
    ),
};

const schema = z.object({
  ...commentFields,
  parent_id: z
    .string()
    .trim()
    .refine((value) => value === '' || isId(value), messages.parentNotNumber),
});

/** "example.org" is taken to mean https://example.org, as people type it. */
function withScheme(value: string): string {
  if (value === '' || /^[a-z][a-z0-9+.-]*:/i.test(value)) return value;
  return `https://${value}`;
}

function isWebAddress(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.includes('.');
  } catch {
    return false;
  }
}

export type ParsedForm =
  | { ok: true; draft: CommentDraft; values: FormValues; notify: NotifyChoice }
  | { ok: false; values: FormValues; errors: Record<string, string> };

/** Reads the posted form (or JSON); every typed value comes back for re-display either way. */
export function parseCommentForm(input: Record<string, unknown>): ParsedForm | 'malformed' {
  const values = {} as FormValues;
  for (const field of FORM_FIELDS) {
    const value = input[field] ?? '';
    if (typeof value === 'number' && field === 'parent_id') {
      values[field] = String(value);
      continue;
    }
    if (value === null) {
      values[field] = '';
      continue;
    }
    if (typeof value === 'boolean' && CHECKBOXES.has(field)) {
      values[field] = value ? '1' : '';
      continue;
    }
    if (typeof value !== 'string') return 'malformed';
    values[field] = value;
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'form');
      errors[field] ??= issue.message;
    }
    return { ok: false, values, errors };
  }
  const data = parsed.data;
  return {
    ok: true,
    values,
    notify: { replies: ticked(values.notify_replies), question: ticked(values.notify_question) },
    draft: {
      author: data.author,
      email: data.email,
      url: data.url === '' ? null : data.url,
      body: data.body,
      parentId: data.parent_id === '' ? null : Number(data.parent_id),
      captchaToken: values.captcha_token || undefined,
      captchaAnswer: values.captcha_answer,
      honeypot: values.homepage,
    },
  };
}
