import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeOpinionMap, type MapVote, type VoteValue } from '../../src/opinion-map/opinion-map.js';

const RULES = { minVoters: 7, minComments: 3, minVotesPerComment: 3 };

const READERS = 30;
const CAMP_A = 18;
const CONSENSUS = 17;
/**
 * Two camps that agree inside and oppose across: camp A (18 readers) agrees with
 * comments 1–8 and disagrees with 9–16; camp B (12 readers) the opposite; everyone
 * agrees with 17.
 */
function plantedVotes(flip: (voter: number, comment: number) => boolean = () => false): MapVote[] {
  const votes: MapVote[] = [];
  for (let voter = 0; voter < READERS; voter += 1) {
    const inA = voter < CAMP_A;
    for (let comment = 1; comment <= CONSENSUS; comment += 1) {
      let vote: VoteValue = comment === CONSENSUS ? 1 : comment <= 8 === inA ? 1 : -1;
      if (comment !== CONSENSUS && flip(voter, comment)) vote = vote === 1 ? -1 : 1;
      votes.push({ voter: `reader-${voter}`, commentId: comment, vote });
    }
  }
  return votes;
}

const campOf = (voter: string) => (Number(voter.slice('reader-'.length)) < CAMP_A ? 'A' : 'B');

describe('the opinion map', () => {
  it('finds the two planted camps, their sizes, what each stands for, and what all agree on', () => {
    const map = computeOpinionMap(plantedVotes(), RULES);
    expect(map.ready).toBe(true);
    expect(map.participants).toBe(30);
    expect(map.groups.map((group) => group.size).sort((a, b) => a - b)).toEqual([12, 18]);
    const big = map.groups.find((group) => group.size === 18);
    const small = map.groups.find((group) => group.size === 12);
    expect(new Set(big?.voters.map(campOf))).toEqual(new Set(['A']));
    expect(new Set(small?.voters.map(campOf))).toEqual(new Set(['B']));
    // Five listed each (the most representative first; here they tie).
    expect(big?.representative).toEqual([1, 2, 3, 4, 5]);
    expect(small?.representative).toEqual([9, 10, 11, 12, 13]);
    expect(map.consensus).toEqual([CONSENSUS]);
    expect(map.divisive).toHaveLength(5);
    expect(map.divisive.every((id) => id >= 1 && id <= 16)).toBe(true);
    expect(map.points).toHaveLength(30);
    // Ids are stable per clustering: the larger group first.
    expect(big?.id).toBe(1);
  });

  it('gives the same answer for the same votes (seeded k-means)', () => {
    const first = computeOpinionMap(plantedVotes(), RULES);
    const second = computeOpinionMap([...plantedVotes()].reverse(), RULES);
    expect(second.groups).toEqual(first.groups);
  });

  it('keeps group ids when the groups stay the same', () => {
    const before = computeOpinionMap(plantedVotes(), RULES);
    // The camps as before, but a previous map had numbered them the other way round.
    const swapped = before.groups.map((group) => ({ id: 3 - group.id, voters: group.voters }));
    const after = computeOpinionMap(plantedVotes(), RULES, swapped);
    for (const group of after.groups) {
      const earlier = swapped.find((old) => old.voters.includes(group.voters[0] as string));
      expect(group.id).toBe(earlier?.id);
    }
  });

  it('says there is no map below the minimum of voters or comments', () => {
    const few = plantedVotes().filter((vote) => Number(vote.voter.slice(7)) < 6);
    expect(computeOpinionMap(few, RULES)).toMatchObject({ ready: false, groups: [], participants: 6 });
    const twoComments = plantedVotes().filter((vote) => vote.commentId <= 2);
    expect(computeOpinionMap(twoComments, RULES)).toMatchObject({ ready: false, groups: [] });
  });

  it('leaves out comments with too few votes', () => {
    const votes = [...plantedVotes(), { voter: 'reader-0', commentId: 99, vote: 1 as const }];
    const map = computeOpinionMap(votes, RULES);
    expect(map.commentIds).not.toContain(99);
    expect(map.groups.flatMap((group) => group.representative)).not.toContain(99);
  });

  it('keeps the planted camps under noise, give or take a small share of readers', () => {
    fc.assert(
      // Up to one in ten of the 480 opinionated votes flipped, anywhere.
      fc.property(fc.array(fc.integer({ min: 0, max: 479 }), { maxLength: 48 }), (flips) => {
        const flipped = new Set(flips);
        const map = computeOpinionMap(
          plantedVotes((voter, comment) => flipped.has(voter * 16 + (comment - 1))),
          RULES,
        );
        // Each camp has a group of its own holding most of it; readers outside their
        // camp's group (moved to the other, or split off into a small third) are few.
        const home = (camp: 'A' | 'B') =>
          [...map.groups].sort(
            (x, y) =>
              y.voters.filter((v) => campOf(v) === camp).length - x.voters.filter((v) => campOf(v) === camp).length,
          )[0];
        const homeA = home('A');
        const homeB = home('B');
        expect(homeA?.id).not.toBe(homeB?.id);
        const misplaced =
          CAMP_A -
          (homeA?.voters.filter((v) => campOf(v) === 'A').length ?? 0) +
          (READERS - CAMP_A) -
          (homeB?.voters.filter((v) => campOf(v) === 'B').length ?? 0);
        expect(misplaced / READERS).toBeLessThanOrEqual(0.1);
      }),
      { numRuns: 100, seed: 4242 },
    );
  });
});
