import { createHmac } from 'node:crypto';
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
    for (let i = 0; i < 500; i += 1) {
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

  it('draws each part from the random source it is given, within its range', () => {
    // [operator 0..2, left, right, left as word 0..1, right as word 0..1], each checked against its range.
    const scripted = (values: number[]) => (min: number, max: number) => {
      const value = values.shift() as number;
      if (value < min || value >= max) throw new Error(`${value} is outside [${min}, ${max})`);
      return value;
    };
    expect(makeChallenge(scripted([0, 20, 0, 1, 0]))).toEqual({
      left: 20,
      operator: '+',
      right: 0,
      leftAsWord: true,
      rightAsWord: false,
    });
    expect(makeChallenge(scripted([1, 3, 20, 0, 1]))).toEqual({
      left: 20,
      operator: '-',
      right: 3,
      leftAsWord: false,
      rightAsWord: true,
    });
    expect(makeChallenge(scripted([2, 9, 0, 1, 1]))).toMatchObject({ left: 9, operator: '×', right: 0 });
    expect(makeChallenge(scripted([0, 3, 20, 0, 0]))).toMatchObject({ left: 3, operator: '+', right: 20 });
    expect(() => makeChallenge(scripted([2, 10, 0, 0, 0]))).toThrow('outside [0, 10)');
  });

  it('shows either operand as a word and solves each operator', () => {
    const challenge: Challenge = { left: 7, operator: '-', right: 3, leftAsWord: true, rightAsWord: false };
    expect(describeChallenge(challenge)).toBe('seven - 3 =');
    expect(solve(challenge)).toBe(4);
    expect(solve({ ...challenge, operator: '×' })).toBe(21);
    expect(describeChallenge({ ...challenge, operator: '×', left: 0, right: 20, rightAsWord: true })).toBe(
      'zero × twenty =',
    );
  });

  it('accepts the answer in digits or in words', () => {
    expect(parseAnswer(' 13 ')).toBe(13);
    expect(parseAnswer('Thirteen')).toBe(13);
    expect(parseAnswer('forty-two')).toBe(42);
    expect(parseAnswer('forty two')).toBe(42);
    expect(parseAnswer('zero')).toBe(0);
    expect(parseAnswer('0')).toBe(0);
    expect(parseAnswer('twenty')).toBe(20);
    expect(parseAnswer('NINETY-NINE')).toBe(99);
    expect(parseAnswer('9999')).toBe(9999);
  });

  it.each([
    ['twenty-one', 21],
    ['thirty', 30],
    ['forty', 40],
    ['fifty-five', 55],
    ['sixty', 60],
    ['seventy-seven', 77],
    ['eighty', 80],
    ['ninety-three', 93],
  ])('reads %s as %i', (words, value) => {
    expect(parseAnswer(words)).toBe(value);
  });

  it.each([
    'a lot',
    '',
    'x13',
    '13x',
    '1 3',
    '12345',
    '-4',
    '4.0',
    'thirtyone',
    'xtwenty',
    'thirty-zero',
    'thirty-',
    'one-two',
    'onety',
  ])('reads "%s" as no answer', (answer) => {
    expect(parseAnswer(answer)).toBeNull();
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

  it('refuses a missing or truncated token', () => {
    const { token } = issue();
    const [version, payload, signature] = token.split('.') as [string, string, string];
    expect(checkAnswer(secret, undefined, '13', { questionId: 7, minAgeMs: 0 })).toEqual({
      ok: false,
      reason: 'missing',
    });
    expect(check('', '13')).toEqual({ ok: false, reason: 'missing' });
    for (const truncated of [
      `${version}.${payload}`,
      `${version}.${payload}.`,
      `${version}..${signature}`,
      `c2.${payload}.${signature}`,
    ]) {
      expect(check(truncated, '13'), truncated).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(check(token.slice(0, -1), '13')).toEqual({ ok: false, reason: 'forged' });
    expect(check(`${token}A`, '13')).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a correctly signed token that does not hold claims', () => {
    const payload = Buffer.from('not json').toString('base64url');
    // Signed as the server signs, so only the contents are wrong.
    const signature = createHmac('sha256', secret).update(`captcha:${payload}`).digest('base64url');
    expect(check(`c1.${payload}.${signature}`, '13')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('accepts a post up to the moment the token expires, and from the minimum age on', () => {
    const issuedAt = 1_000_000;
    expect(check(issue(issuedAt).token, '13', { now: issuedAt + 60_000 })).toMatchObject({ ok: true });
    expect(check(issue(issuedAt).token, '13', { now: issuedAt + 60_001 })).toEqual({ ok: false, reason: 'expired' });
    expect(check(issue(issuedAt).token, '13', { now: issuedAt + 3_000 })).toMatchObject({ ok: true });
    expect(check(issue(issuedAt).token, '13', { now: issuedAt + 2_999 })).toEqual({ ok: false, reason: 'too-fast' });
  });

  it('reads the clock when no time is given', () => {
    const before = Date.now();
    const fresh = issueToken(secret, 7, { ttlMs: 60_000, challenge: fourPlusNine });
    expect(fresh.claims.issuedAt).toBeGreaterThanOrEqual(before);
    expect(fresh.claims.issuedAt).toBeLessThanOrEqual(Date.now());
    expect(fresh.claims.expiresAt).toBe(fresh.claims.issuedAt + 60_000);
    expect(checkAnswer(secret, fresh.token, '13', { questionId: 7, minAgeMs: 0 })).toMatchObject({ ok: true });
    expect(checkAnswer(secret, fresh.token, '13', { questionId: 7, minAgeMs: 60_000 })).toEqual({
      ok: false,
      reason: 'too-fast',
    });
    const old = issueToken(secret, 7, { now: before - 61_000, ttlMs: 60_000, challenge: fourPlusNine });
    expect(checkAnswer(secret, old.token, '13', { questionId: 7, minAgeMs: 0 })).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('gives every token its own nonce and a challenge of its own when none is given', () => {
    const tokens = Array.from({ length: 20 }, () => issueToken(secret, 7, { ttlMs: 1 }).claims);
    expect(new Set(tokens.map((claims) => claims.nonce)).size).toBe(20);
    expect(tokens[0]?.nonce).toMatch(/^[\w-]{22}$/);
    expect(new Set(tokens.map((claims) => describeChallenge(claims.challenge))).size).toBeGreaterThan(1);
  });

  it('with the sum turned off, needs no answer but still checks the token', () => {
    const off = (token: string | undefined, answer?: string, now = 1_010_000) =>
      checkAnswer(secret, token, answer, { questionId: 7, now, minAgeMs: 3_000, answerRequired: false });
    expect(off(issue().token)).toMatchObject({ ok: true, claims: { questionId: 7 } });
    expect(off(issue().token, 'wrong')).toMatchObject({ ok: true });
    expect(off(issue().token, undefined, 1_001_000)).toEqual({ ok: false, reason: 'too-fast' });
    expect(off(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(
      checkAnswer(secret, issue().token, undefined, {
        questionId: 7,
        now: 1_010_000,
        minAgeMs: 0,
        answerRequired: true,
      }),
    ).toEqual({ ok: false, reason: 'wrong-answer' });
    expect(check(issue().token, undefined as never)).toEqual({ ok: false, reason: 'wrong-answer' });
  });

  it('does not reveal the answer in the token', () => {
    const { token } = issueToken(secret, 7, { ttlMs: 60_000, challenge: { ...fourPlusNine, right: 17 } });
    const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString());
    // The operands travel (the label shows them anyway); the result does not.
    expect(Object.keys(claims).sort()).toEqual(['challenge', 'expiresAt', 'issuedAt', 'nonce', 'questionId']);
    expect(claims.challenge).toEqual({ left: 4, operator: '+', right: 17, leftAsWord: false, rightAsWord: true });
  });
});
