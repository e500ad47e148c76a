import { describe, expect, it } from 'vitest';
import {
  type Challenge,
  checkAnswer,
  describeChallenge,
  issueToken,
  makeChallenge,
  parseAnswer,
  solve,
} from '../../src/captcha/challenge.js';
import { solveCaptchaLabel } from '../support/form.js';

const secret = 'a-secret-for-captcha-tests-0123456789';
const fourPlusNine: Challenge = { left: 4, operator: '+', right: 9, leftAsWord: false, rightAsWord: true };

describe('the arithmetic challenge', () => {
  it('reads like the seed: `4 + nine =`', () => {
    expect(describeChallenge(fourPlusNine)).toBe('4 + nine =');
    expect(solve(fourPlusNine)).toBe(13);
  });

  it('keeps operands in range, never goes negative, and multiplies only small numbers', () => {
    for (let i = 0; i < 2000; i += 1) {
      const challenge = makeChallenge();
      expect(challenge.left).toBeGreaterThanOrEqual(0);
      expect(challenge.right).toBeLessThanOrEqual(20);
      expect(solve(challenge)).toBeGreaterThanOrEqual(0);
      if (challenge.operator === '×') expect(Math.max(challenge.left, challenge.right)).toBeLessThanOrEqual(9);
      expect(solveCaptchaLabel(describeChallenge(challenge))).toBe(solve(challenge));
    }
  });

  it('shows operands both as digits and as words', () => {
    const labels = Array.from({ length: 200 }, () => describeChallenge(makeChallenge()));
    expect(labels.some((label) => /[a-z]/.test(label))).toBe(true);
    expect(labels.some((label) => /\d/.test(label))).toBe(true);
  });

  it('accepts the answer in digits or in words', () => {
    expect(parseAnswer(' 13 ')).toBe(13);
    expect(parseAnswer('Thirteen')).toBe(13);
    expect(parseAnswer('forty-two')).toBe(42);
    expect(parseAnswer('a lot')).toBeNull();
  });
});

describe('captcha tokens', () => {
  const issue = (now = 1_000_000) => issueToken(secret, 7, { now, ttlMs: 60_000, challenge: fourPlusNine });
  const check = (
    token: string,
    answer: string,
    options: { questionId?: number; now?: number; minAgeMs?: number } = {},
  ) => checkAnswer(secret, token, answer, { questionId: 7, now: 1_010_000, minAgeMs: 3_000, ...options });

  it('accepts the right answer to its own question', () => {
    expect(check(issue().token, '13')).toMatchObject({ ok: true });
    expect(check(issue().token, 'thirteen')).toMatchObject({ ok: true });
  });

  it('refuses a wrong answer, another question, an expired token and a too-fast post', () => {
    expect(check(issue().token, '12')).toEqual({ ok: false, reason: 'wrong-answer' });
    expect(check(issue().token, '13', { questionId: 8 })).toEqual({ ok: false, reason: 'wrong-question' });
    expect(check(issue().token, '13', { now: 1_000_000 + 60_001 })).toEqual({ ok: false, reason: 'expired' });
    expect(check(issue().token, '13', { now: 1_001_000 })).toEqual({ ok: false, reason: 'too-fast' });
  });

  it('refuses a token whose challenge was changed or that was signed with another secret', () => {
    const [version, payload, signature] = issue().token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.challenge.right = 0;
    const tampered = `${version}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect(check(tampered, '4')).toEqual({ ok: false, reason: 'forged' });
    const foreign = issueToken('another-secret-entirely-0123456789', 7, {
      now: 1_000_000,
      ttlMs: 60_000,
      challenge: fourPlusNine,
    });
    expect(check(foreign.token, '13')).toEqual({ ok: false, reason: 'forged' });
    expect(check('garbage', '13')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('does not reveal the answer in the token', () => {
    const { token } = issueToken(secret, 7, { ttlMs: 60_000, challenge: { ...fourPlusNine, right: 17 } });
    const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString());
    // The operands travel (the label shows them anyway); the result does not.
    expect(Object.keys(claims).sort()).toEqual(['challenge', 'expiresAt', 'issuedAt', 'nonce', 'questionId']);
    expect(claims.challenge).toEqual({ left: 4, operator: '+', right: 17, leftAsWord: false, rightAsWord: true });
  });
});
