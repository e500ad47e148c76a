import { describe, expect, it } from 'vitest';
import { plainText } from '../../src/mail/mail-compose.js';
import { readMailToken, signMailToken } from '../../src/mail/mail-token.js';

const secret = 'a-secret-that-is-long-enough-for-the-tests';

describe('mail tokens', () => {
  it('read back the address they were signed for, for their purpose only', () => {
    const token = signMailToken(secret, 'manage', 'ana@example.org');
    expect(readMailToken(secret, 'manage', token)).toBe('ana@example.org');
    expect(readMailToken(secret, 'confirm', token)).toBeUndefined();
    expect(readMailToken('another-secret-that-is-long-enough', 'manage', token)).toBeUndefined();
  });

  it('refuse a token whose address was changed', () => {
    const [, signature] = signMailToken(secret, 'manage', 'ana@example.org').split('.');
    const forged = `${Buffer.from(JSON.stringify({ p: 'manage', e: 'bob@example.org' })).toString('base64url')}.${signature}`;
    expect(readMailToken(secret, 'manage', forged)).toBeUndefined();
    expect(readMailToken(secret, 'manage', 'garbage')).toBeUndefined();
    expect(readMailToken(secret, 'manage', ['x'])).toBeUndefined();
  });

  it('expire a confirmation after seven days; never a way out', () => {
    const now = Date.UTC(2026, 0, 1);
    const confirm = signMailToken(secret, 'confirm', 'ana@example.org', now);
    expect(readMailToken(secret, 'confirm', confirm, now + 6 * 86_400_000)).toBe('ana@example.org');
    expect(readMailToken(secret, 'confirm', confirm, now + 8 * 86_400_000)).toBeUndefined();
    const manage = signMailToken(secret, 'manage', 'ana@example.org', now);
    expect(readMailToken(secret, 'manage', manage, now + 3650 * 86_400_000)).toBe('ana@example.org');
  });
});

describe('plain text of an answer', () => {
  it('keeps paragraphs, spells out links and decodes entities', () => {
    const html =
      '<p>One &amp; <em>two</em> &lt;3</p><p>See <a href="https://example.org/x" rel="nofollow">this</a>.<br>Bye</p>';
    expect(plainText(html)).toBe('One & two <3\n\nSee this (https://example.org/x).\nBye');
  });
});
