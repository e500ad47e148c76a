import type { CommentStatus } from '../comments/comment.table.js';
import { countLinks } from '../comments/sanitize.js';

/** The rules that decide whether a new comment shows at once or waits for a moderator. */
export interface ModerationRules {
  /** Pre-moderation: every comment waits. */
  holdAll: boolean;
  /** Hold a comment with this many links or more; 0 turns the rule off. */
  linkLimit: number;
}

export interface Verdict {
  status: Extract<CommentStatus, 'approved' | 'pending'>;
  /** The rule that held the comment, for the moderators' queue. */
  heldByRule: string | null;
}

export function judgeComment(comment: { bodyHtml: string }, rules: ModerationRules): Verdict {
  if (rules.holdAll) return { status: 'pending', heldByRule: 'hold-all' };
  if (rules.linkLimit > 0 && countLinks(comment.bodyHtml) >= rules.linkLimit) {
    return { status: 'pending', heldByRule: 'link-limit' };
  }
  return { status: 'approved', heldByRule: null };
}
