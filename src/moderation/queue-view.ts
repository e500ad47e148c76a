import { commentPath, questionPath } from '../questions/question.js';
import { exactTime } from '../views/helpers/exact-time.js';
import { relativeTime } from '../views/helpers/relative-time.js';
import type { QueueRow, QueueTab } from './moderation.repository.js';
import { RULE_LABELS } from './rules.js';
import { availableActions, type ModerationAction } from './transitions.js';

export const ACTION_LABELS: Record<ModerationAction, string> = {
  approve: 'Approve',
  spam: 'Spam',
  trash: 'Trash',
  restore: 'Restore',
  delete: 'Delete permanently',
};

const TAB_LABELS: Record<QueueTab, string> = {
  pending: 'Pending',
  reported: 'Reported',
  spam: 'Spam',
  trash: 'Trash',
  all: 'All',
};

const EXCERPT_LENGTH = 160;

/** Plain text, cut at a word near `max` characters: enough to recall what was answered. */
export function excerpt(source: string, max = EXCERPT_LENGTH): string {
  const text = source
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if ([...text].length <= max) return text;
  const cut = [...text].slice(0, max).join('');
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > max / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}

export function tabsView(current: QueueTab, counts: Record<QueueTab, number>) {
  return (Object.keys(TAB_LABELS) as QueueTab[]).map((tab) => ({
    tab,
    label: TAB_LABELS[tab],
    count: counts[tab],
    url: tab === 'pending' ? '/mod' : `/mod?tab=${tab}`,
    current: tab === current,
  }));
}

export function queueRowView(row: QueueRow & { reports: { reason: string; note: string | null }[] }, now = new Date()) {
  const created = new Date(row.created_at);
  return {
    id: row.id,
    status: row.status,
    author: row.author,
    email: row.email,
    url: row.url,
    ip: row.ip,
    html: row.body_html,
    createdIso: created.toISOString(),
    createdRelative: relativeTime(created, now),
    createdExact: exactTime(created),
    heldBy: row.held_by_rule ? (RULE_LABELS[row.held_by_rule as keyof typeof RULE_LABELS] ?? row.held_by_rule) : null,
    question: { wording: row.question_wording, url: questionPath(row.question_slug) },
    permalink: row.status === 'approved' ? commentPath(row.question_slug, row.id) : null,
    parent:
      row.in_reply_to_id === null
        ? null
        : { id: row.in_reply_to_id, author: row.parent_author, excerpt: excerpt(row.parent_body ?? '') },
    moderatorName: row.moderator_name,
    actions: [
      // A reported comment that is still public: Approve keeps it and dismisses the reports.
      ...(row.status === 'approved' && row.reports.length > 0
        ? [{ action: 'approve' as const, label: 'Keep (dismiss reports)', danger: false }]
        : []),
      ...availableActions(row.status).map((action) => ({
        action,
        label: ACTION_LABELS[action],
        danger: action === 'delete',
      })),
    ],
    // Replying to a held comment approves it first, as WordPress's "Approve and reply".
    canReply: row.status === 'approved' || row.status === 'pending',
    highlight:
      row.status === 'approved' ? { on: row.highlighted, action: row.highlighted ? 'unhighlight' : 'highlight' } : null,
    reports: row.reports.map((report) => ({ reason: report.reason, note: report.note })),
  };
}
