import type { HelperDelegate } from 'handlebars';
import { eq } from './eq.js';
import { exactTime } from './exact-time.js';
import { longDate } from './long-date.js';
import { plural } from './plural.js';
import { relativeTime } from './relative-time.js';

/** The helpers templates may call, one file each. */
export const helpers: Record<string, HelperDelegate> = {
  longDate: (isoDate: string) => longDate(isoDate),
  plural: (count: number, singular: string, pluralForm: unknown) => plural(count, singular, pluralForm),
  relativeTime: (date: Date) => relativeTime(date),
  exactTime: (date: Date) => exactTime(date),
  isoTime: (date: Date) => date.toISOString(),
  eq: (a: unknown, b: unknown) => eq(a, b),
};
