import { describe, expect, it } from 'vitest';
import { addressHolder, formatRange, parseIp, parseRange, rangeContains } from '../../src/moderation/ip-range.js';

const contains = (range: string, ip: string) => {
  const r = parseRange(range);
  const a = parseIp(ip);
  if (!r || !a) throw new Error(`unparsable: ${range} ${ip}`);
  return rangeContains(r, a);
};

describe('IP ranges', () => {
  it('matches IPv4 ranges, single addresses and everything-ranges', () => {
    expect(contains('192.0.2.0/24', '192.0.2.200')).toBe(true);
    expect(contains('192.0.2.0/24', '192.0.3.1')).toBe(false);
    expect(contains('192.0.2.7', '192.0.2.7')).toBe(true);
    expect(contains('192.0.2.7', '192.0.2.8')).toBe(false);
    expect(contains('0.0.0.0/0', '203.0.113.1')).toBe(true);
    expect(contains('10.1.2.3/8', '10.200.0.1')).toBe(true);
  });

  it('matches IPv6 ranges, in any spelling', () => {
    expect(contains('2001:db8::/32', '2001:0db8:ffff::1')).toBe(true);
    expect(contains('2001:db8::/32', '2001:db9::1')).toBe(false);
    expect(contains('2001:db8:0:0:0:0:0:1', '2001:DB8::1')).toBe(true);
    expect(contains('::1', '::1')).toBe(true);
  });

  it('treats an IPv4-mapped IPv6 client as its IPv4 address', () => {
    expect(contains('127.0.0.0/8', '::ffff:127.0.0.1')).toBe(true);
    expect(contains('::ffff:192.0.2.1', '192.0.2.1')).toBe(true);
    expect(contains('2001:db8::/32', '192.0.2.1')).toBe(false);
  });

  it('refuses what is not an address or range', () => {
    for (const bad of [
      '',
      'example.org',
      '256.0.0.1',
      '1.2.3',
      '01.2.3.4',
      '1.2.3.4/33',
      '1.2.3.4/x',
      '::/129',
      '1::2::3',
      'g::1',
      '1.2.3.4/8/9',
    ]) {
      expect(parseRange(bad), bad).toBeNull();
    }
  });

  it('writes ranges canonically', () => {
    expect(formatRange(parseRange('10.1.2.3/8') as never)).toBe('10.0.0.0/8');
    expect(formatRange(parseRange('192.0.2.9') as never)).toBe('192.0.2.9');
    expect(formatRange(parseRange('2001:0DB8:0000:0000:0000:0000:0000:0001') as never)).toBe('2001:db8::1');
    expect(formatRange(parseRange('2001:db8:0:1:0:0:0:0/64') as never)).toBe('2001:db8:0:1::/64');
    expect(formatRange(parseRange('::') as never)).toBe('::');
  });
});

describe('addressHolder (who counts as one reporter)', () => {
  it('is the IPv4 address itself, however Node writes it', () => {
    expect(addressHolder('192.0.2.7')).toBe('192.0.2.7');
    expect(addressHolder('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressHolder('192.0.2.8')).not.toBe(addressHolder('192.0.2.7'));
  });

  it('is the /64 of an IPv6 address: one subscriber rotating through its block counts once', () => {
    expect(addressHolder('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressHolder('2001:DB8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressHolder('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
  });

  it('is the text itself when it is not an address', () => {
    expect(addressHolder('unknown')).toBe('unknown');
  });
});
