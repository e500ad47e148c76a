import { describe, expect, it } from 'vitest';
import { postOpening } from '../../src/posts/post-view.js';
import { statusView } from '../../src/questions/question-status.js';
import { lastSeen, markSeen, questionsWithNews } from '../../src/visits/reader-marks.js';

describe('readers’ marks', () => {
  it('remember the newest comment seen per question, never going back', () => {
    const marks = markSeen(markSeen({}, 1, 10), 2, 20);
    expect(marks).toEqual({ 1: 10, 2: 20 });
    expect(markSeen(marks, 1, 5)).toEqual({ 1: 10, 2: 20 });
    expect(lastSeen(marks, 3)).toBeUndefined();
  });

  it('stay bounded, keeping the most recently seen', () => {
    let marks = {};
    for (let q = 1; q <= 6; q += 1) marks = markSeen(marks, q, q * 100, 4);
    expect(Object.keys(marks).sort()).toEqual(['3', '4', '5', '6']);
  });

  it('name only the opened questions that have newer answers', () => {
    const marks = { 1: 10, 2: 20, 3: 30 };
    const questions = [
      { id: 1, lastAnswerId: 11 },
      { id: 2, lastAnswerId: 20 },
      { id: 3, lastAnswerId: null },
      { id: 4, lastAnswerId: 99 },
    ];
    expect(questionsWithNews(marks, questions)).toEqual([{ questionId: 1, after: 10 }]);
  });

  it('ignore what is not a comment id', () => {
    expect(lastSeen({ 1: Number.NaN, 2: 1.5 } as Record<string, number>, 1)).toBeUndefined();
    expect(lastSeen({ 2: 1.5 } as Record<string, number>, 2)).toBeUndefined();
  });
});

describe('the featured post’s opening', () => {
  it('takes whole paragraphs up to about 400 characters, skipping the citation', () => {
    const body = ['Source: somewhere', 'First.', 'Second.', 'x'.repeat(500)].join('\n\n');
    expect(postOpening(body, 'Source: somewhere')).toBe('First.\n\nSecond.');
  });

  it('cuts a long first paragraph at a word', () => {
    const opening = postOpening(`${'word '.repeat(200)}end`, null);
    expect(opening.length).toBeLessThanOrEqual(401);
    expect(opening).toMatch(/word…$/);
  });
});

describe('a question’s status', () => {
  it('shows where there is one, and nothing where there is none', () => {
    expect(statusView({ status: 'needs-answers' })).toEqual({ key: 'needs-answers', label: 'Needs answers' });
    expect(statusView({})).toBeNull();
    expect(statusView({ status: null })).toBeNull();
  });
});
