import { relativeTime } from '../views/helpers/relative-time.js';
import type { Templates } from '../views/templates.js';
import { type Comment, commentAddress, reportPath } from './comment.js';
import { buildTree, type TreeNode } from './comment-tree.js';

/** What the comment partial needs to draw one comment and its replies. */
export interface CommentView {
  id: number;
  author: string;
  url: string | null;
  html: string;
  createdIso: string;
  createdRelative: string;
  pending: boolean;
  mine: boolean;
  /** Shown again at the top of a page that continues its conversation. */
  earlier: boolean;
  byModerator: boolean;
  /** The comment a capped reply answered: a link within the page, or to its lasting address when it is on another. */
  inReplyTo: { href: string; author: string | null } | null;
  reportUrl: string;
  /** Readers' votes on it (shown on public comments). */
  votes: VoteTally;
  /** Removed by a moderator, shown as a tombstone: the reason, never the words or author. */
  tombstone: { reason: string | null } | null;
  children: CommentView[];
}

export interface VoteTally {
  agree: number;
  disagree: number;
  pass: number;
}

const NO_VOTES: VoteTally = Object.freeze({ agree: 0, disagree: 0, pass: 0 });

export interface ViewContext {
  /** The depth cap the thread is drawn to (threadView nests no deeper). */
  maxDepth: number;
  /** Comments the reader wrote (from this browser). */
  ownIds?: ReadonlySet<number>;
  /** Comments from an earlier page, shown again above the replies that continue them. */
  earlierIds?: ReadonlySet<number>;
  /** Vote counts by comment id (a comment absent has none). */
  votes?: ReadonlyMap<number, VoteTally>;
  /** Authors by id, to name the person a capped reply answered. */
  authors?: ReadonlyMap<number, string>;
  now?: Date;
}

export function threadView(comments: readonly Comment[], context: ViewContext): CommentView[] {
  const authors = new Map(comments.map((c) => [c.id, c.author]));
  const tree = buildTree(comments, context.maxDepth);
  return tree.map((node) => nodeView(node, { ...context, authors }));
}

function nodeView(node: TreeNode<Comment>, context: ViewContext): CommentView {
  return {
    ...commentView(node, context),
    children: node.children.map((child) => nodeView(child, context)),
  };
}

/** One comment; its replies are added by the tree. */
export function commentView(comment: Comment, context: ViewContext): CommentView {
  const answeredSomeoneElse = comment.inReplyToId !== null && comment.inReplyToId !== comment.parentId;
  return {
    id: comment.id,
    author: comment.author,
    url: comment.url,
    html: comment.html,
    createdIso: isoToTheSecond(comment.createdAt),
    createdRelative: relativeTime(comment.createdAt, context.now ?? new Date()),
    pending: comment.status === 'pending',
    mine: context.ownIds?.has(comment.id) ?? false,
    earlier: context.earlierIds?.has(comment.id) ?? false,
    byModerator: comment.byModerator,
    inReplyTo: answeredSomeoneElse
      ? answered(comment.inReplyToId as number, context.authors?.get(comment.inReplyToId as number) ?? null)
      : null,
    reportUrl: reportPath(comment.id),
    votes: context.votes?.get(comment.id) ?? NO_VOTES,
    tombstone: comment.removed ? { reason: comment.removalReason } : null,
    children: [],
  };
}

function answered(id: number, author: string | null) {
  return { href: author === null ? commentAddress(id) : `#comment-${id}`, author };
}

/** The JSON for a comment (docs/CONTRACT.md); `html` is the page's own partial for it. */
export function commentJson(comment: Comment, templates: Templates, context: ViewContext) {
  if (comment.removed) {
    return {
      id: comment.id,
      parent_id: comment.parentId,
      in_reply_to_id: comment.inReplyToId,
      author: null,
      author_url: null,
      status: 'removed',
      removal_reason: comment.removalReason,
      created_at: comment.createdAt.toISOString(),
      body_html: '',
      html: templates.partial('comment', commentView(comment, context)),
    };
  }
  return {
    id: comment.id,
    parent_id: comment.parentId,
    in_reply_to_id: comment.inReplyToId,
    author: comment.author,
    author_url: comment.url,
    status: comment.status,
    created_at: comment.createdAt.toISOString(),
    body_html: comment.html,
    html: templates.partial('comment', commentView(comment, context)),
  };
}

/**
 * `2026-11-26T14:33:37Z`: a page shows times to the minute, and every comment carries
 * one, so the milliseconds of toISOString() are left out.
 */
function isoToTheSecond(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
