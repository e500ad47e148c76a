import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathSegment } from '../../src/comments/comment-tree.js';
import { compareInOrder, parseThreadOrder, threadOrders } from '../../src/comments/thread-order.js';

/** A comment's place: its top-level answer's id and its path from there. */
const at = (...ids: number[]) => ({ rootId: ids[0] as number, path: ids.map(pathSegment).join('.'), ids });
const sortedIds = (places: ReturnType<typeof at>[], compare: ReturnType<typeof compareInOrder>) =>
  [...places].sort(compare).map((place) => place.ids.at(-1));

// Answers 1, 4 and 9; 1 has replies 2 and 3 (3 under 2), 4 has 7.
const thread = [at(1), at(1, 2), at(1, 2, 3), at(4), at(4, 7), at(9)];

describe('compareInOrder', () => {
  it('compares two places directly: the same place is equal, and within a conversation the path decides, in every order', () => {
    for (const order of threadOrders) {
      const compare = compareInOrder(order);
      expect(compare(at(1, 2), at(1, 2))).toBe(0);
      expect(compare(at(1, 2), at(1, 3))).toBe(-1);
      expect(compare(at(1, 3), at(1, 2))).toBe(1);
      expect(compare(at(1), at(1, 2))).toBe(-1);
    }
  });

  it('oldest first: answers by id, each followed by its replies in path order', () => {
    expect(sortedIds(thread, compareInOrder('oldest'))).toEqual([1, 2, 3, 4, 7, 9]);
  });

  it('newest first: only the answers turn round; replies stay oldest first under theirs', () => {
    expect(sortedIds(thread, compareInOrder('newest'))).toEqual([9, 4, 7, 1, 2, 3]);
  });

  it('most agreed: answers by score, highest first, ties oldest first, replies following', () => {
    const scores = new Map([
      [1, -2],
      [4, 3],
    ]);
    expect(sortedIds(thread, compareInOrder('agreed', scores))).toEqual([4, 7, 9, 1, 2, 3]);
    // Only the answer's score counts: a well-liked reply moves nothing.
    expect(sortedIds(thread, compareInOrder('agreed', new Map([[7, 10]])))).toEqual([1, 2, 3, 4, 7, 9]);
  });

  it('most agreed without votes is oldest first', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(thread), (places) => {
        expect(sortedIds(places, compareInOrder('agreed'))).toEqual(sortedIds(places, compareInOrder('oldest')));
      }),
    );
  });

  it('keeps every conversation together, in every order', () => {
    fc.assert(
      fc.property(fc.constantFrom(...threadOrders), fc.shuffledSubarray(thread), (order, places) => {
        const roots = [...places].sort(compareInOrder(order, new Map([[9, 1]]))).map((place) => place.rootId);
        const runs = roots.filter((root, index) => index === 0 || roots[index - 1] !== root);
        expect(new Set(runs).size).toBe(runs.length);
      }),
    );
  });
});

describe('parseThreadOrder', () => {
  it('knows the three orders and nothing else', () => {
    expect(threadOrders.map(parseThreadOrder)).toEqual(['oldest', 'newest', 'agreed']);
    for (const value of ['', 'Newest', 'best', undefined, ['newest'], 'toString']) {
      expect(parseThreadOrder(value)).toBeUndefined();
    }
  });
});
