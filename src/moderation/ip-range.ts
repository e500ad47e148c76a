/**
 * IPv4 and IPv6 addresses and CIDR ranges, for bans. Pure. Addresses are held as
 * bigints; an IPv4-mapped IPv6 address (::ffff:192.0.2.1, as Node reports IPv4
 * clients on a dual-stack socket) is treated as the IPv4 address it carries.
 */
export interface IpAddress {
  version: 4 | 6;
  value: bigint;
}

export interface IpRange {
  version: 4 | 6;
  /** The first address of the range (host bits cleared). */
  network: bigint;
  prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255 || (part.length > 1 && part.startsWith('0'))) return null;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  let source = text.toLowerCase();
  const zone = source.indexOf('%');
  if (zone !== -1) source = source.slice(0, zone);
  // A trailing dotted IPv4 part counts as the last two groups.
  const lastColon = source.lastIndexOf(':');
  if (source.includes('.', lastColon)) {
    const v4 = parseIpv4(source.slice(lastColon + 1));
    if (v4 === null) return null;
    source = `${source.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = source.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (half: string | undefined) => (half ? half.split(':') : []);
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(group)) return null;
    value = (value << 16n) | BigInt(`0x${group}`);
  }
  return value;
}

const MAPPED_PREFIX = 0xffffn << 32n;

export function parseIp(text: string): IpAddress | null {
  const trimmed = text.trim();
  if (trimmed.includes(':')) {
    const value = parseIpv6(trimmed);
    if (value === null) return null;
    if (value >> 32n === 0xffffn) return { version: 4, value: value - MAPPED_PREFIX };
    return { version: 6, value };
  }
  const value = parseIpv4(trimmed);
  return value === null ? null : { version: 4, value };
}

/** "192.0.2.0/24", "2001:db8::/32", or a single address (a range of one). */
export function parseRange(text: string): IpRange | null {
  const [address, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined || !address) return null;
  const ip = parseIp(address);
  if (!ip) return null;
  const bits = BITS[ip.version];
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return null;
  return { version: ip.version, network: ip.value & mask(ip.version, prefix), prefix };
}

function mask(version: 4 | 6, prefix: number): bigint {
  const bits = BigInt(BITS[version]);
  const all = (1n << bits) - 1n;
  return (all >> (bits - BigInt(prefix))) << (bits - BigInt(prefix));
}

export function rangeContains(range: IpRange, ip: IpAddress): boolean {
  return range.version === ip.version && (ip.value & mask(ip.version, range.prefix)) === range.network;
}

/** The canonical text of a range: a single address without its /32 or /128. */
export function formatRange(range: IpRange): string {
  const address = range.version === 4 ? formatIpv4(range.network) : formatIpv6(range.network);
  return range.prefix === BITS[range.version] ? address : `${address}/${range.prefix}`;
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

/** RFC 5952: lower case, no leading zeros, the first longest run of two or more zero groups as "::". */
function formatIpv6(value: bigint): string {
  const text = Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - i * 16)) & 0xffffn).toString(16)).join(':');
  let longest: RegExpExecArray | null = null;
  for (const run of text.matchAll(/\b0(?::0)+\b/g)) {
    if (!longest || run[0].length > longest[0].length) longest = run;
  }
  if (!longest) return text;
  const before = text.slice(0, longest.index).replace(/:$/, '');
  const after = text.slice(longest.index + longest[0].length).replace(/^:/, '');
  return `${before}::${after}`;
}

/**
 * The address as one party holds it, for counting distinct reporters: an IPv4 address
 * itself, an IPv6 address's /64 (the block one subscriber gets, and can rotate through
 * at will). Anything unreadable counts as itself.
 */
export function addressHolder(text: string): string {
  const ip = parseIp(text);
  if (!ip) return text;
  const prefix = ip.version === 4 ? 32 : 64;
  return formatRange({ version: ip.version, network: ip.value & mask(ip.version, prefix), prefix });
}
