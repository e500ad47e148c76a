import type { LogRow } from '../audit/audit-log.repository.js';
import { commentPath, questionPath } from '../questions/question.js';
import { exactTime } from '../views/helpers/exact-time.js';
import { relativeTime } from '../views/helpers/relative-time.js';

/** A log entry's details in a line a person can read: "linkLimit: 2 → 3; holdAll: false → true". */
export function describeDetails(details: unknown): string {
  if (!details || typeof details !== 'object') return '';
  const record = details as Record<string, unknown>;
  const parts: string[] = [];
  if (record.changed && typeof record.changed === 'object' && !Array.isArray(record.changed)) {
    for (const [key, change] of Object.entries(record.changed as Record<string, { from: unknown; to: unknown }>)) {
      parts.push(`${key}: ${show(change.from)} → ${show(change.to)}`);
    }
  } else if (Array.isArray(record.changed)) {
    parts.push(`changed ${record.changed.join(', ') || 'nothing'}`);
  }
  for (const [key, value] of Object.entries(record)) {
    if (key !== 'changed') parts.push(`${key}: ${show(value)}`);
  }
  return parts.join('; ');
}

function show(value: unknown): string {
  if (Array.isArray(value)) return value.length ? value.join(', ') : '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function logEntryView(row: LogRow, now = new Date()) {
  const when = new Date(row.created_at);
  return {
    id: row.id,
    whenIso: when.toISOString(),
    whenExact: exactTime(when),
    whenRelative: relativeTime(when, now),
    moderatorName: row.moderator_name,
    action: row.action,
    commentId: row.comment_id,
    questionUrl: row.question_slug
      ? row.comment_id
        ? commentPath(row.question_slug, row.comment_id)
        : questionPath(row.question_slug)
      : null,
    from: row.from_status,
    to: row.to_status,
    details: describeDetails(typeof row.details === 'string' ? JSON.parse(row.details) : row.details),
  };
}
