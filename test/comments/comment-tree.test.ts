import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTree, pathSegment, placeReply, threadPosition } from '../../src/comments/comment-tree.js';

const c = (id: number, parentId: number | null, depth: number) => ({ id, parentId, depth });

describe('buildTree', () => {
  it('nests replies under their parents, in the order given', () => {
    const tree = buildTree([c(1, null, 0), c(2, 1, 1), c(4, 2, 2), c(3, 1, 1), c(5, null, 0)], 5);
    expect(tree.map((n) => n.id)).toEqual([1, 5]);
    expect(tree[0]?.children.map((n) => n.id)).toEqual([2, 3]);
    expect(tree[0]?.children[0]?.children.map((n) => [n.id, n.level])).toEqual([[4, 3]]);
  });

  it('shows comments deeper than the cap at the deepest level', () => {
    const tree = buildTree([c(1, null, 0), c(2, 1, 1), c(3, 2, 2), c(4, 3, 3)], 2);
    expect(tree[0]?.children.map((n) => [n.id, n.level])).toEqual([
      [2, 2],
      [3, 2],
      [4, 2],
    ]);
  });

  it('starts a branch for a reply whose parent is not shown', () => {
    expect(buildTree([c(7, 3, 1)], 5).map((n) => n.id)).toEqual([7]);
  });
});

describe('placeReply', () => {
  const path = (...ids: number[]) => ids.map(pathSegment).join('.');

  it('puts a reply under the comment it answers within the cap', () => {
    expect(placeReply({ path: path(1, 2), depth: 1 }, 5)).toEqual({ parentId: 2, depth: 2 });
  });

  it('attaches a reply beyond the cap at the deepest allowed level', () => {
    expect(placeReply({ path: path(1, 2, 3, 4, 5), depth: 4 }, 5)).toEqual({ parentId: 4, depth: 4 });
    expect(placeReply({ path: path(1, 2, 3), depth: 2 }, 2)).toEqual({ parentId: 1, depth: 1 });
    expect(placeReply({ path: path(1), depth: 0 }, 1)).toEqual({ parentId: null, depth: 0 });
  });
});

describe('threadPosition', () => {
  const path = (...ids: number[]) => ids.map(pathSegment).join('.');

  it('starts a new thread with a top-level comment', () => {
    expect(threadPosition(7, null, 5)).toEqual({ parentId: null, rootId: 7, depth: 0, path: path(7) });
  });

  it('extends the path of the comment it answers', () => {
    expect(threadPosition(9, { path: path(1, 4), depth: 1 }, 5)).toEqual({
      parentId: 4,
      rootId: 1,
      depth: 2,
      path: path(1, 4, 9),
    });
  });

  it('drops the ancestors the depth cap skips', () => {
    expect(threadPosition(9, { path: path(1, 2, 3), depth: 2 }, 3)).toEqual({
      parentId: 2,
      rootId: 1,
      depth: 2,
      path: path(1, 2, 9),
    });
    expect(threadPosition(9, { path: path(1), depth: 0 }, 1)).toEqual({
      parentId: null,
      rootId: 9,
      depth: 0,
      path: path(9),
    });
  });
});

describe('pathSegment', () => {
  it('pads ids with zeros so that text order is numeric order', () => {
    expect(pathSegment(7)).toBe('0000000007');
    fc.assert(
      fc.property(fc.nat(2_147_483_647), fc.nat(2_147_483_647), (a, b) => {
        expect(pathSegment(a) < pathSegment(b)).toBe(a < b);
      }),
    );
  });
});
