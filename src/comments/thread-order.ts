/**
 * The orders a thread's top-level answers can be read in. Only the conversations move:
 * each top-level answer keeps its replies under it, in their own order (by path, oldest
 * first), so a page is always whole conversations, or parts of them, in reading order.
 * Pure.
 */
export const threadOrders = ['oldest', 'newest', 'agreed'] as const;
export type ThreadOrder = (typeof threadOrders)[number];

export const DEFAULT_THREAD_ORDER: ThreadOrder = 'oldest';

export const THREAD_ORDER_LABELS: Record<ThreadOrder, string> = {
  oldest: 'Oldest first',
  newest: 'Newest first',
  agreed: 'Most agreed',
};

/** The order a value names, or undefined for anything else (a link's typo is not an error). */
export function parseThreadOrder(value: unknown): ThreadOrder | undefined {
  return threadOrders.find((order) => order === value);
}

/** Where a comment sits in a thread: its conversation (its top-level answer's id), then its path in it. */
export interface ThreadPlace {
  rootId: number;
  path: string;
}

/**
 * Compares two places in an order. `oldest` and `newest` go by the top-level answer's id
 * (ids are given in the order comments are written); `agreed` by the top-level answer's
 * score (agree minus disagree votes, from `scores`; none is 0), highest first, ties oldest
 * first. Within a conversation, always by path.
 */
export function compareInOrder(
  order: ThreadOrder,
  scores: ReadonlyMap<number, number> = new Map(),
): (a: ThreadPlace, b: ThreadPlace) => number {
  const score = (rootId: number) => scores.get(rootId) ?? 0;
  const conversations: Record<ThreadOrder, (a: number, b: number) => number> = {
    oldest: (a, b) => a - b,
    newest: (a, b) => b - a,
    agreed: (a, b) => score(b) - score(a) || a - b,
  };
  const byConversation = conversations[order];
  return (a, b) => byConversation(a.rootId, b.rootId) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}
