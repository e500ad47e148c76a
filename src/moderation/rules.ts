import type { CommentStatus } from '../comments/comment.table.js';
import { countLinks } from '../comments/sanitize.js';

/** The rules that decide whether a new comment is refused, shown at once, held or binned. Pure. */
export interface ModerationRules {
  /** Pre-moderation: every comment waits. */
  holdAll: boolean;
  /** Hold comments from an email address with no approved comment yet. */
  holdNewEmails: boolean;
  /** Hold a comment with this many links or more; 0 turns the rule off. */
  linkLimit: number;
  /** Hold a comment when any of its fields contains one of these. */
  moderationWords: readonly string[];
  /** Send a comment straight to spam when any of its fields contains one of these. */
  disallowedWords: readonly string[];
  /** A second comment from one IP or email within this many seconds is refused; 0: off. */
  floodSeconds: number;
  /** Refuse the same body from the same author on the same question. */
  duplicateCheck: boolean;
}

/** The names a held comment records in held_by_rule, shown in the queue. */
export const RULE_LABELS = {
  'hold-all': 'Every comment is held (pre-moderation)',
  'new-email': 'First comment from this email address',
  'link-limit': 'Too many links',
  'moderation-words': 'Contains a moderation word',
  'disallowed-words': 'Contains a disallowed word',
  reports: 'Reported by readers',
} as const;
export type HoldingRule = keyof typeof RULE_LABELS;

export interface Submission {
  /** What the person typed. */
  body: string;
  /** The body as stored (sanitized), where links are counted. */
  bodyHtml: string;
  author: string;
  email: string;
  url: string | null;
  ip: string | null;
}

/** What the database knows about the poster, gathered by the service. */
export interface PosterHistory {
  /** Seconds since the newest comment from the same IP or email; null when there is none. */
  secondsSinceLastComment: number | null;
  /** The same author already posted this body on this question. */
  duplicate: boolean;
  /** The email address has at least one approved comment. */
  hasApprovedComment: boolean;
}

export type Verdict =
  | { kind: 'refused'; rule: 'duplicate' | 'flood' }
  | {
      kind: 'accepted';
      status: Extract<CommentStatus, 'approved' | 'pending' | 'spam'>;
      /** The rule that held (or binned) the comment, for the queue; null when approved. */
      heldByRule: HoldingRule | null;
    };

const accepted = (status: 'approved' | 'pending' | 'spam', heldByRule: HoldingRule | null): Verdict => ({
  kind: 'accepted',
  status,
  heldByRule,
});

/**
 * In WordPress's order: refusals first (they lose nothing, the form comes back),
 * then the disallowed words (spam), then each reason to hold.
 */
export function judgeComment(submission: Submission, history: PosterHistory, rules: ModerationRules): Verdict {
  if (rules.duplicateCheck && history.duplicate) return { kind: 'refused', rule: 'duplicate' };
  if (
    rules.floodSeconds > 0 &&
    history.secondsSinceLastComment !== null &&
    history.secondsSinceLastComment < rules.floodSeconds
  ) {
    return { kind: 'refused', rule: 'flood' };
  }
  if (containsAny(submission, rules.disallowedWords)) return accepted('spam', 'disallowed-words');
  if (rules.holdAll) return accepted('pending', 'hold-all');
  if (containsAny(submission, rules.moderationWords)) return accepted('pending', 'moderation-words');
  if (rules.linkLimit > 0 && countLinks(submission.bodyHtml) >= rules.linkLimit) {
    return accepted('pending', 'link-limit');
  }
  if (rules.holdNewEmails && !history.hasApprovedComment) return accepted('pending', 'new-email');
  return accepted('approved', null);
}

/** Case-insensitive, anywhere in the body, name, email, website or IP ("cas" matches "casino"). */
export function containsAny(submission: Submission, words: readonly string[]): boolean {
  const haystacks = [submission.body, submission.author, submission.email, submission.url, submission.ip]
    .filter((field) => field !== null)
    .map((field) => field.toLowerCase());
  return words.some((word) => {
    const needle = word.trim().toLowerCase();
    return needle !== '' && haystacks.some((field) => field.includes(needle));
  });
}
