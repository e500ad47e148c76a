import { z } from 'zod';
import { BODY_LIMIT } from '../comments/comment-form.js';
import { messages } from '../messages.js';

/** A moderator's edit of a comment: the same limits as the public form, no captcha. */
const schema = z.object({
  author: z.string().trim().min(1, messages.authorRequired).max(100, messages.authorTooLong),
  email: z.string().trim().max(254, messages.emailTooLong).pipe(z.email(messages.emailInvalid)),
  url: z
    .string()
    .trim()
    .max(2000, messages.urlTooLong)
    .refine((value) => value === '' || /^https?:\/\/[^\s/]+\.[^\s]+$/i.test(value), messages.urlInvalid),
  body: z
    .string()
    .transform((value) => value.normalize('NFC').replace(/\r\n?/g, '\n'))
    .pipe(
      z
        .string()
        .refine((value) => value.trim().length > 0, messages.bodyRequired)
        .refine((value) => [...value].length <= BODY_LIMIT, messages.bodyTooLong(BODY_LIMIT)),
    ),
});

export type CommentEdit = { author: string; email: string; url: string | null; body: string };
const FIELDS = ['author', 'email', 'url', 'body'] as const;

export function parseCommentEdit(
  input: Record<string, unknown>,
): { ok: true; edit: CommentEdit } | { ok: false; values: Record<string, string>; errors: Record<string, string> } {
  const values = Object.fromEntries(
    FIELDS.map((field) => [field, typeof input[field] === 'string' ? (input[field] as string) : '']),
  );
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
    return { ok: false, values, errors };
  }
  return { ok: true, edit: { ...parsed.data, url: parsed.data.url === '' ? null : parsed.data.url } };
}

export function parseReplyBody(input: Record<string, unknown>): string | { error: string } {
  const body = typeof input.body === 'string' ? input.body.normalize('NFC').replace(/\r\n?/g, '\n') : '';
  if (body.trim() === '') return { error: messages.bodyRequired };
  if ([...body].length > BODY_LIMIT) return { error: messages.bodyTooLong(BODY_LIMIT) };
  return body;
}
