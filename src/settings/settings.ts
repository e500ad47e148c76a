import { z } from 'zod';
import { type ForumSettings, wordList } from './forum-settings.js';

/**
 * The settings admins edit at /mod/settings: how each is read from the form, and
 * how a stored value is checked before it is used (a bad row falls back to the default).
 */
const count = (min: number, max: number, message: string) =>
  z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);

const words = z.array(z.string().max(200)).max(1000);

export const editableSettings = {
  holdAll: z.boolean(),
  holdNewEmails: z.boolean(),
  linkLimit: count(0, 100, 'Enter a whole number from 0 to 100'),
  moderationWords: words,
  disallowedWords: words,
  floodSeconds: count(0, 86_400, 'Enter a number of seconds from 0 to 86400'),
  duplicateCheck: z.boolean(),
  maxThreadDepth: count(1, 20, 'Enter a whole number from 1 to 20'),
  commentsPerPage: count(1, 500, 'Enter a whole number from 1 to 500'),
  captchaEnabled: z.boolean(),
  captchaMinSeconds: count(0, 3600, 'Enter a number of seconds from 0 to 3600'),
  reportThreshold: count(1, 1000, 'Enter a whole number from 1 to 1000'),
  removalReasons: z.array(z.string().max(200, 'Each reason must be 200 characters or fewer')).max(50),
  publicModeratorNames: z.boolean(),
} satisfies Partial<Record<keyof ForumSettings, z.ZodType>>;

export type EditableSetting = keyof typeof editableSettings;
export type SettingsChange = Partial<Pick<ForumSettings, EditableSetting>>;
export const EDITABLE_KEYS = Object.keys(editableSettings) as EditableSetting[];

const BOOLEANS = new Set<EditableSetting>([
  'holdAll',
  'holdNewEmails',
  'duplicateCheck',
  'captchaEnabled',
  'publicModeratorNames',
]);
const WORD_LISTS = new Set<EditableSetting>(['moderationWords', 'disallowedWords']);
/** One entry per line; commas belong to the entry (a reason is a phrase). */
const LINE_LISTS = new Set<EditableSetting>(['removalReasons']);

/** Stored values over the defaults, each checked; anything unreadable keeps its default. */
export function mergeSettings(defaults: ForumSettings, stored: ReadonlyMap<string, unknown>): ForumSettings {
  const merged: Record<string, unknown> = { ...defaults };
  for (const key of EDITABLE_KEYS) {
    if (!stored.has(key)) continue;
    const parsed = editableSettings[key].safeParse(stored.get(key));
    if (parsed.success) merged[key] = parsed.data;
  }
  return Object.freeze(merged) as unknown as ForumSettings;
}

export type SettingsForm =
  | { ok: true; change: SettingsChange }
  | { ok: false; errors: Record<string, string>; values: Record<string, string | boolean> };

/**
 * Reads the settings form: a checkbox is on when present, a word list is one word
 * or phrase per line, numbers are whole numbers in range. Every field is read; the
 * settings service stores only those that differ from what is in force.
 */
export function parseSettingsForm(body: Record<string, unknown>): SettingsForm {
  const change: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  const values: Record<string, string | boolean> = {};
  for (const key of EDITABLE_KEYS) {
    const raw = body[key];
    const text = typeof raw === 'string' ? raw : '';
    if (BOOLEANS.has(key)) {
      values[key] = isOn(raw);
      change[key] = values[key];
      continue;
    }
    values[key] = text;
    const lines = text
      .replace(/\r/g, '')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const candidate = WORD_LISTS.has(key)
      ? [...new Set(wordList(text.replace(/\r/g, '')))]
      : LINE_LISTS.has(key)
        ? [...new Set(lines)]
        : text.trim();
    const parsed = editableSettings[key].safeParse(candidate === '' ? undefined : candidate);
    if (parsed.success) change[key] = parsed.data;
    else errors[key] = parsed.error.issues[0]?.message ?? 'Enter a valid value';
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  return { ok: true, change: change as SettingsChange };
}

/**
 * A checkbox as browsers send it (present: on) and as a JSON client may (`false`,
 * "false", "0" and "off" are off, as nobody would mean them to be on).
 */
function isOn(raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw !== 'string') return false;
  return !['', 'false', '0', 'off'].includes(raw.trim().toLowerCase());
}

/** The form's fields from the current settings. */
export function settingsFormValues(settings: ForumSettings): Record<string, string | boolean> {
  const values: Record<string, string | boolean> = {};
  for (const key of EDITABLE_KEYS) {
    const value = settings[key];
    values[key] = Array.isArray(value) ? value.join('\n') : typeof value === 'boolean' ? value : String(value);
  }
  return values;
}
