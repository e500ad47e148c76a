import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../src/events/forum-event.js';
import { planCatchUp } from '../../src/live/catch-up.js';

const at = new Date(0);
const published = (seq: number, commentId: number): LoggedEvent => ({
  type: 'comment.published',
  questionId: 1,
  commentId,
  seq,
  at,
});
const edited = (seq: number, commentId: number): LoggedEvent => ({
  type: 'comment.edited',
  questionId: 1,
  commentId,
  seq,
  at,
});
const removed = (seq: number, commentId: number): LoggedEvent => ({
  type: 'comment.removed',
  questionId: 1,
  commentId,
  to: 'trash',
  seq,
  at,
});

describe('planCatchUp', () => {
  it('sends each comment once, at its last change, as it stands now', () => {
    const plan = planCatchUp(
      [published(1, 10), edited(2, 11), published(3, 12), removed(4, 10), edited(5, 12), removed(6, 13)],
      (id) => id === 11 || id === 12,
    );
    expect(plan).toEqual([
      { kind: 'update', commentId: 11, seq: 2 },
      { kind: 'remove', commentId: 10, seq: 4 },
      { kind: 'new', commentId: 12, seq: 5 },
      { kind: 'remove', commentId: 13, seq: 6 },
    ]);
  });

  it('sends a comment removed then restored as new (the follower removed it)', () => {
    expect(planCatchUp([removed(1, 5), published(2, 5)], () => true)).toEqual([{ kind: 'new', commentId: 5, seq: 2 }]);
  });

  it('sends nothing for no events', () => {
    expect(planCatchUp([], () => true)).toEqual([]);
  });

  it('always: one step per comment, in increasing seq, each at that comment’s last event', () => {
    const event = fc.record({
      kind: fc.constantFrom(published, edited, removed),
      commentId: fc.integer({ min: 1, max: 6 }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), fc.func(fc.boolean()), (drafts, isPublic) => {
        const events = drafts.map((draft, index) => draft.kind(index + 1, draft.commentId));
        const plan = planCatchUp(events, (id) => isPublic(id));
        const ids = plan.map((step) => step.commentId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(new Set(ids)).toEqual(new Set(events.map((e) => (e as { commentId: number }).commentId)));
        for (let i = 1; i < plan.length; i += 1) expect(plan[i]?.seq).toBeGreaterThan(plan[i - 1]?.seq as number);
        for (const step of plan) {
          const last = events.filter((e) => (e as { commentId: number }).commentId === step.commentId).at(-1);
          expect(step.seq).toBe(last?.seq);
          expect(step.kind === 'remove').toBe(!isPublic(step.commentId));
        }
      }),
    );
  });
});
