import { describe, expect, it } from 'vitest';
import { containsAny, judgeComment, type ModerationRules, type PosterHistory } from '../../src/moderation/rules.js';

const rules: ModerationRules = {
  holdAll: false,
  holdNewEmails: false,
  linkLimit: 2,
  moderationWords: [],
  disallowedWords: [],
  floodSeconds: 15,
  duplicateCheck: true,
};
const history: PosterHistory = { secondsSinceLastComment: null, duplicate: false, hasApprovedComment: true };
const submission = {
  body: 'A thoughtful answer.',
  bodyHtml: '<p>A thoughtful answer.</p>',
  author: 'Ana',
  email: 'ana@example.org',
  url: null,
  ip: '203.0.113.9',
};
const links = (n: number) => Array.from({ length: n }, (_, i) => `<a href="https://x${i}.example">x</a>`).join(' ');

describe('judgeComment', () => {
  it('approves an ordinary comment', () => {
    expect(judgeComment(submission, history, rules)).toEqual({
      kind: 'accepted',
      status: 'approved',
      heldByRule: null,
    });
  });

  it('holds everything under pre-moderation', () => {
    expect(judgeComment(submission, history, { ...rules, holdAll: true })).toMatchObject({
      status: 'pending',
      heldByRule: 'hold-all',
    });
  });

  it('holds at the link limit, not below it, and not at all when it is 0', () => {
    const withLinks = (n: number) => ({ ...submission, bodyHtml: `<p>${links(n)}</p>` });
    expect(judgeComment(withLinks(1), history, rules)).toMatchObject({ status: 'approved' });
    expect(judgeComment(withLinks(2), history, rules)).toMatchObject({ status: 'pending', heldByRule: 'link-limit' });
    expect(judgeComment(withLinks(9), history, { ...rules, linkLimit: 0 })).toMatchObject({ status: 'approved' });
  });

  it('holds a first comment from a new email only when that rule is on', () => {
    const stranger = { ...history, hasApprovedComment: false };
    expect(judgeComment(submission, stranger, rules)).toMatchObject({ status: 'approved' });
    expect(judgeComment(submission, stranger, { ...rules, holdNewEmails: true })).toMatchObject({
      status: 'pending',
      heldByRule: 'new-email',
    });
    expect(judgeComment(submission, history, { ...rules, holdNewEmails: true })).toMatchObject({ status: 'approved' });
  });

  it('holds on a moderation word in any field, ignoring case', () => {
    const held = { ...rules, moderationWords: ['Casino', '198.51.100.'] };
    for (const change of [
      { body: 'best CASINO in town' },
      { author: 'casinoking' },
      { email: 'me@casino.example' },
      { url: 'https://casino.example' },
      { ip: '198.51.100.7' },
    ]) {
      expect(judgeComment({ ...submission, ...change }, history, held)).toMatchObject({
        status: 'pending',
        heldByRule: 'moderation-words',
      });
    }
    expect(judgeComment(submission, history, held)).toMatchObject({ status: 'approved' });
  });

  it('sends a disallowed word straight to spam, before any hold', () => {
    const binned = { ...rules, holdAll: true, disallowedWords: ['viagra'] };
    expect(judgeComment({ ...submission, body: 'cheap Viagra' }, history, binned)).toMatchObject({
      status: 'spam',
      heldByRule: 'disallowed-words',
    });
  });

  it('refuses a second comment inside the flood interval, and not after it', () => {
    expect(judgeComment(submission, { ...history, secondsSinceLastComment: 3 }, rules)).toEqual({
      kind: 'refused',
      rule: 'flood',
    });
    expect(judgeComment(submission, { ...history, secondsSinceLastComment: 15 }, rules)).toMatchObject({
      status: 'approved',
    });
    expect(
      judgeComment(submission, { ...history, secondsSinceLastComment: 3 }, { ...rules, floodSeconds: 0 }),
    ).toMatchObject({ status: 'approved' });
  });

  it('refuses a duplicate (before the flood rule, which a double submit also trips)', () => {
    expect(judgeComment(submission, { ...history, duplicate: true, secondsSinceLastComment: 1 }, rules)).toEqual({
      kind: 'refused',
      rule: 'duplicate',
    });
    expect(
      judgeComment(submission, { ...history, duplicate: true }, { ...rules, duplicateCheck: false }),
    ).toMatchObject({ status: 'approved' });
  });
});

describe('containsAny', () => {
  it('ignores blank words', () => {
    expect(containsAny(submission, ['', '  '])).toBe(false);
  });
});

describe('the link hold and the word lists, at their edges', () => {
  it('counts bare URLs as links, as they are stored', () => {
    const bodyHtml =
      '<p><a href="https://a.example" rel="nofollow ugc noopener">https://a.example</a> and <abbr title="x">y</abbr></p>';
    expect(judgeComment({ ...submission, bodyHtml }, history, rules)).toMatchObject({ status: 'approved' });
    expect(judgeComment({ ...submission, bodyHtml: `${bodyHtml}${bodyHtml}` }, history, rules)).toMatchObject({
      heldByRule: 'link-limit',
    });
  });

  it('with the flood rule off refuses nothing, even when the clock went back', () => {
    const justNow = { ...history, secondsSinceLastComment: -1 };
    expect(judgeComment(submission, justNow, { ...rules, floodSeconds: 0 })).toMatchObject({ status: 'approved' });
    expect(judgeComment(submission, justNow, rules)).toEqual({ kind: 'refused', rule: 'flood' });
  });

  it('matches a word with the spaces around it trimmed, and no field that is missing', () => {
    expect(containsAny({ ...submission, body: 'Buy bitcoin.' }, ['  Bitcoin '])).toBe(true);
    expect(containsAny({ ...submission, body: 'two  spaces' }, ['  '])).toBe(false);
    expect(containsAny({ ...submission, url: null, ip: null }, ['null'])).toBe(false);
    expect(containsAny({ ...submission, url: 'https://Spam.example', ip: null }, ['spam.example'])).toBe(true);
  });
});
