import { z } from 'zod';
import { commentFields } from '../comments/comment-form.js';
import { messages } from '../messages.js';

/** A moderator's edit of a comment: the same checks as the public form, no captcha. */
const schema = z.object(commentFields);

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
  const parsed = commentFields.body.safeParse(typeof input.body === 'string' ? input.body : '');
  return parsed.success ? parsed.data : { error: parsed.error.issues[0]?.message ?? messages.bodyRequired };
}
