import fc from 'fast-check';
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

describe('IP addresses, exactly', () => {
  it('reads every part of an IPv4 address up to 255, and trims the text around it', () => {
    expect(parseIp(' 255.255.255.255 ')).toEqual({ version: 4, value: 0xffffffffn });
    expect(parseIp('0.0.0.0')).toEqual({ version: 4, value: 0n });
    expect(parseRange(' 10.1.2.3/8 ')).toEqual({ version: 4, network: 0x0a000000n, prefix: 8 });
  });

  it('refuses parts with anything but digits around them', () => {
    for (const bad of ['a1.2.3.4', '1a.2.3.4', '1.2.3.4.', '1.2.3.4/8x', '1.2.3.4/x8', '1.2.3.4/', '1.2.3.1000']) {
      expect(parseRange(bad), bad).toBeNull();
    }
    for (const bad of ['12345::1', 'g1::1', '1g::1', '::ffff:1.2.300.4', '::ffff:1.2.3']) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });

  it('counts IPv6 groups: eight without "::", fewer with it', () => {
    expect(parseIp('1:2:3:4:5:6:7')).toBeNull();
    expect(parseIp('1:2:3:4:5:6:7:8:9')).toBeNull();
    expect(parseIp('1:2:3:4::5:6:7:8')).toBeNull();
    expect(parseIp('1:2:3:4:5:6::7')).toEqual({ version: 6, value: 0x0001000200030004000500060000_0007n });
    expect(parseIp('1:2:3:4:5:6:7:8')).toEqual({ version: 6, value: 0x00010002000300040005000600070008n });
  });

  it('ignores a zone index, and reads a mapped IPv4 address as that address', () => {
    expect(parseIp('fe80::1%eth0')).toEqual({ version: 6, value: (0xfe80n << 112n) | 1n });
    expect(parseIp('::ffff:192.0.2.1')).toEqual({ version: 4, value: 0xc0000201n });
    expect(parseIp('64:ff9b::192.0.2.1')).toEqual({ version: 6, value: (0x64ff9bn << 96n) | 0xc0000201n });
  });

  it('never mixes the families', () => {
    expect(contains('0.0.0.0/0', '2001:db8::1')).toBe(false);
    expect(contains('::/0', '2001:db8::1')).toBe(true);
    expect(contains('::/0', '192.0.2.1')).toBe(false);
  });

  it.each([
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:2:3:4:5:6:0:0', '1:2:3:4:5:6::'],
    ['0:0:1:2:3:4:5:6', '::1:2:3:4:5:6'],
    ['10:0:0:1:0:0:0:a0', '10:0:0:1::a0'],
    ['0:0:0:0:0:0:0:0', '::'],
  ])('writes %s as %s', (address, canonical) => {
    expect(formatRange(parseRange(address) as never)).toBe(canonical);
  });
});

const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
const ipv6 = fc
  .array(group, { minLength: 8, maxLength: 8 })
  .map((groups) => groups.map((g) => g.toString(16)).join(':'));
const ipv4 = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }).map((parts) => parts.join('.'));

describe('any address or range', () => {
  it('reads back what it writes, and contains its own network address', () => {
    fc.assert(
      fc.property(fc.oneof(ipv4, ipv6), fc.nat(128), (address, bits) => {
        const ip = parseIp(address);
        if (!ip) throw new Error(`unparsable ${address}`);
        const prefix = Math.min(bits, ip.version === 4 ? 32 : 128);
        const range = parseRange(`${address}/${prefix}`);
        if (!range) throw new Error(`unparsable ${address}/${prefix}`);
        expect(parseRange(formatRange(range))).toEqual(range);
        expect(rangeContains(range, ip)).toBe(true);
        const text = formatRange({ ...range, prefix: ip.version === 4 ? 32 : 128 });
        expect(text).not.toMatch(/(^|:)0[0-9a-f]|::.*::|[A-F]/);
      }),
    );
  });
});
