import { appendLogEntry } from '../audit/audit-log.repository.js';
import type { DB } from '../db/database.js';
import type { EventLog } from '../events/event-log.js';
import type { Moderator } from '../moderators/moderator.js';
import type { ForumSettings } from './forum-settings.js';
import { mergeSettings, type SettingsChange } from './settings.js';
import { loadStoredSettings, storeSettings } from './settings.repository.js';

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

  /** Stores the change and records, in the audit log, each setting that changed, from what to what. */
  async function update(change: SettingsChange, moderator: Moderator, now = new Date()) {
    cached = undefined;
    const before = await current();
    const changed = Object.fromEntries(
      Object.entries(change)
        .filter(([key, value]) => JSON.stringify(before[key as keyof ForumSettings]) !== JSON.stringify(value))
        .map(([key, value]) => [key, { from: before[key as keyof ForumSettings], to: value }]),
    );
    await log.transaction(async (tx, record) => {
      await storeSettings(tx, change, moderator.id, now);
      if (Object.keys(changed).length > 0) {
        await appendLogEntry(tx, { moderator, action: 'settings', details: { changed }, at: now });
        await record({ type: 'settings.changed', keys: Object.keys(changed) });
      }
    });
    cached = undefined;
    return { before, after: await current(), changed };
  }

  return { current, update };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
