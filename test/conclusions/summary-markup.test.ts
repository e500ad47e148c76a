import { describe, expect, it } from 'vitest';
import { diffCounts, summaryDiff } from '../../src/conclusions/summary-diff.js';
import { linkAnswerReferences, openingWords, referencedCommentIds } from '../../src/conclusions/summary-markup.js';

const answers = new Map([
  [
    12,
    { id: 12, author: 'Ada <Admin>', html: '<p>Codes need teeth &amp; <em>enforcement</em>.</p>', url: '/comments/12' },
  ],
]);

describe('references to answers in a summary', () => {
  it('are found in every lasting form, once each', () => {
    expect(
      referencedCommentIds(
        'See #comment-12, /comments/7 and https://x.org/questions/a-b/comments/9; #comment-12 again.',
      ),
    ).toEqual([12, 7, 9]);
    expect(referencedCommentIds('/comments/12/report and #comment-12a')).toEqual([]);
  });

  it('become quoted links to a published answer, escaped', () => {
    const html = linkAnswerReferences('<p>As #comment-12 said, and /questions/q/comments/12.</p>', answers);
    expect(html).toBe(
      '<p>As <a class="answer-ref" href="/comments/12"><q>Codes need teeth &#38; enforcement.</q> Ada &#60;Admin&#62;</a> said, and ' +
        '<a class="answer-ref" href="/comments/12"><q>Codes need teeth &#38; enforcement.</q> Ada &#60;Admin&#62;</a>.</p>',
    );
  });

  it('stay as typed when the answer is unknown, or inside a link the moderator wrote', () => {
    expect(linkAnswerReferences('<p>#comment-99</p>', answers)).toBe('<p>#comment-99</p>');
    const own = '<p><a href="/comments/12">/comments/12</a> #comment-12</p>';
    expect(linkAnswerReferences(own, answers)).toMatch(
      /^<p><a href="\/comments\/12">\/comments\/12<\/a> <a class="answer-ref"/,
    );
  });

  it('quote only the opening words', () => {
    expect(openingWords('<p>one two three four</p>', 3)).toBe('one two three…');
    expect(openingWords('<p>one &lt;two&gt;</p>', 3)).toBe('one <two>');
  });
});

describe('the differences between revisions', () => {
  it('are all added for the first, word by word after', () => {
    expect(summaryDiff(null, 'All new')).toEqual([{ kind: 'added', text: 'All new' }]);
    const parts = summaryDiff('The code needs teeth.', 'The code needs real enforcement.');
    expect(parts.filter((p) => p.kind === 'removed').map((p) => p.text.trim())).toEqual(['teeth']);
    expect(parts.filter((p) => p.kind === 'added').map((p) => p.text.trim())).toEqual(['real enforcement']);
    expect(parts.map((p) => (p.kind === 'added' ? '' : p.text)).join('')).toBe('The code needs teeth.');
    expect(diffCounts(parts)).toEqual({ added: 2, removed: 1 });
  });

  it('are nothing when nothing changed', () => {
    expect(summaryDiff('Same.', 'Same.')).toEqual([{ kind: 'same', text: 'Same.' }]);
  });
});
