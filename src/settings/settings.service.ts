import { appendLogEntry } from '../audit/audit-log.repository.js';
import type { DB } from '../db/database.js';
import type { EventLog } from '../events/event-log.js';
import type { Moderator } from '../moderators/moderator.js';
import type { ForumSettings } from './forum-settings.js';
import { mergeSettings, type SettingsChange } from './settings.js';
import { forgetSettings, loadStoredSettings, storeSettings } from './settings.repository.js';

/**
 * A safety net only: every process drops its copy when the event log relays a change,
 * this one before the admin's form answers.
 */
const CACHE_MS = 60_000;

export interface SettingsSource {
  current(): Promise<ForumSettings>;
}

/** The current rules: the environment's defaults with the admins' changes over them. */
export function createSettingsService(db: DB, log: EventLog, defaults: ForumSettings) {
  let cached: { settings: ForumSettings; until: number } | undefined;
  log.subscribe('settings', (events) => {
    if (events.some((event) => event.type === 'settings.changed')) cached = undefined;
  });

  async function current(): Promise<ForumSettings> {
    const now = Date.now();
    if (cached && cached.until > now) return cached.settings;
    const settings = mergeSettings(defaults, await loadStoredSettings(db));
    cached = { settings, until: now + CACHE_MS };
    return settings;
  }

  /**
   * Stores what the admin changed, and only that: a setting left as it was keeps
   * following the environment, so a default changed there later still applies; one set
   * back to the environment's value is forgotten. Records each change in the audit log.
   */
  async function update(change: SettingsChange, moderator: Moderator, now = new Date()) {
    cached = undefined;
    const before = await current();
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const changedKeys = Object.keys(change).filter(
      (key) => !same(before[key as keyof ForumSettings], change[key as keyof SettingsChange]),
    ) as (keyof SettingsChange)[];
    const changed = Object.fromEntries(changedKeys.map((key) => [key, { from: before[key], to: change[key] }]));
    const backToDefault = changedKeys.filter((key) => same(defaults[key], change[key]));
    const toStore = Object.fromEntries(
      changedKeys.filter((key) => !backToDefault.includes(key)).map((key) => [key, change[key]]),
    );
    if (changedKeys.length > 0) {
      await log.transaction(async (tx, record) => {
        await storeSettings(tx, toStore, moderator.id, now);
        await forgetSettings(tx, backToDefault);
        await appendLogEntry(tx, { moderator, action: 'settings', details: { changed }, at: now });
        await record({ type: 'settings.changed', keys: changedKeys });
      });
    }
    cached = undefined;
    return { before, after: await current(), changed };
  }

  return { current, update };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
