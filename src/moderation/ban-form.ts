import { messages } from '../messages.js';
import { normalizeEmail } from '../moderators/moderator.js';
import type { BanKind } from './ban.table.js';
import { formatRange, parseRange } from './ip-range.js';

export interface BanRequest {
  kind: BanKind;
  value: string;
  reason: string;
  /** Null: until lifted. */
  expiresAt: Date | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_DAYS = 3650;

/**
 * Reads the ban form. `target` is an email address, an IP address or a CIDR range
 * (IPv4 or IPv6); `days` empty means until lifted. Pure.
 */
export function parseBanForm(
  body: Record<string, unknown>,
  now: Date,
): { ok: true; ban: BanRequest } | { ok: false; errors: Record<string, string>; values: Record<string, string> } {
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string).trim() : '');
  const values = { target: text('target'), reason: text('reason'), days: text('days') };
  const errors: Record<string, string> = {};
  let kind: BanKind = 'email';
  let value = '';
  if (values.target.includes('@')) {
    value = normalizeEmail(values.target);
    if (!EMAIL.test(value) || value.length > 254) errors.target = messages.banTargetInvalid;
  } else {
    const range = parseRange(values.target);
    kind = 'ip';
    if (range) value = formatRange(range);
    else errors.target = messages.banTargetInvalid;
  }
  if (values.reason === '') errors.reason = messages.banReasonRequired;
  else if (values.reason.length > 500) errors.reason = messages.banReasonTooLong;
  let expiresAt: Date | null = null;
  if (values.days !== '') {
    if (!/^\d{1,4}$/.test(values.days) || Number(values.days) < 1 || Number(values.days) > MAX_DAYS) {
      errors.days = messages.banDaysInvalid(MAX_DAYS);
    } else {
      expiresAt = new Date(now.getTime() + Number(values.days) * 24 * 3600 * 1000);
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  return { ok: true, ban: { kind, value, reason: values.reason, expiresAt } };
}
