/**
 * Turns a thread, flat and in display order (sorted by materialised path), into the
 * nested tree the page shows. Pure. Walks the list once with a stack of open
 * ancestors, as Lobsters' thread view opens and closes lists as depth changes.
 */
export interface FlatComment {
  id: number;
  parentId: number | null;
  /** 0 for a top-level comment. */
  depth: number;
}

export type TreeNode<T> = T & { children: TreeNode<T>[]; level: number };

/**
 * @param maxDepth levels shown; a comment deeper than that (the setting was lowered
 *   after it was written) is shown at the deepest level, under its nearest shown ancestor.
 */
export function buildTree<T extends FlatComment>(comments: readonly T[], maxDepth: number): TreeNode<T>[] {
  const roots: TreeNode<T>[] = [];
  const byId = new Map<number, TreeNode<T>>();
  for (const comment of comments) {
    // Stryker disable next-line ConditionalExpression: byId.get(null) is undefined too; the test is for the types.
    let parent = comment.parentId === null ? undefined : byId.get(comment.parentId);
    while (parent && parent.level >= maxDepth) {
      // Stryker disable next-line ConditionalExpression: as above.
      parent = parent.parentId === null ? undefined : byId.get(parent.parentId);
    }
    const node: TreeNode<T> = { ...comment, children: [], level: parent ? parent.level + 1 : 1 };
    byId.set(comment.id, node);
    // A reply whose parent is not shown (held, or on another page) starts its own branch.
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/** Zero-padded so that text order is numeric order. */
const PATH_SEGMENT_WIDTH = 10;

export function pathSegment(id: number): string {
  return String(id).padStart(PATH_SEGMENT_WIDTH, '0');
}

/** The ids from the root down to the comment itself. */
export function pathIds(path: string): number[] {
  return path.split('.').map(Number);
}

/**
 * Where a reply goes. Within the depth cap it sits under the comment it answers;
 * beyond it, WordPress-style, it attaches at the deepest allowed level, under the
 * answered comment's ancestor there (so it reads as a sibling of the answered one).
 */
export function placeReply(
  answered: { path: string; depth: number },
  maxDepth: number,
): { parentId: number | null; depth: number } {
  const ancestry = pathIds(answered.path);
  if (answered.depth + 1 < maxDepth) return { parentId: ancestry.at(-1) as number, depth: answered.depth + 1 };
  if (maxDepth < 2) return { parentId: null, depth: 0 };
  return { parentId: ancestry[maxDepth - 2] as number, depth: maxDepth - 1 };
}

/** Where a new comment's row sits in its thread, once its own id is known. */
export interface ThreadPosition {
  parentId: number | null;
  rootId: number;
  depth: number;
  path: string;
}

/**
 * The parent, root, depth and path of comment `id`, answering `answered` (null: a new
 * top-level comment), as placeReply places it. The path keeps the ancestors the
 * placement keeps, so sorting by path still gives display order.
 */
export function threadPosition(
  id: number,
  answered: { path: string; depth: number } | null,
  maxDepth: number,
): ThreadPosition {
  const topLevel = { parentId: null, rootId: id, depth: 0, path: pathSegment(id) };
  if (answered === null) return topLevel;
  const { parentId, depth } = placeReply(answered, maxDepth);
  if (parentId === null) return topLevel;
  const ancestry = answered.path.split('.').slice(0, depth);
  return { parentId, rootId: Number(ancestry[0]), depth, path: [...ancestry, pathSegment(id)].join('.') };
}
