import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import supertest from 'supertest';
import { createApp } from '../../src/app.js';
import { type Config, type Environment, loadConfig } from '../../src/config.js';
import { createEventLog } from '../../src/events/event-log.js';
import { createTestDatabase } from './database.js';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-characters-long';

export function testConfig(environment: Partial<Environment> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    SESSION_SECRET: TEST_SECRET,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'oq-test-')),
    // Tests answer instantly, several times from one IP, often with the same words;
    // the minimum time, the flood rule and duplicate detection are tested on their own.
    CAPTCHA_MIN_SECONDS: '0',
    MODERATION_FLOOD_SECONDS: '0',
    MODERATION_DUPLICATE_CHECK: 'false',
    LOG_LEVEL: 'silent',
    // Suites post quickly from one address; the limits are tested on their own.
    RATE_LIMIT_COMMENTS_PER_IP: '100000',
    RATE_LIMIT_COMMENTS_PER_EMAIL: '100000',
    RATE_LIMIT_CAPTCHAS_PER_IP: '100000',
    RATE_LIMIT_LIVE_EVENTS_PER_IP: '100000',
    RATE_LIMIT_REPORTS_PER_IP: '100000',
    ...environment,
  });
}

/** The app on a fresh copy of the seeded database, with its events, for one test file. */
export async function startTestForum(environment: Partial<Environment> = {}) {
  const database = await createTestDatabase();
  const config = testConfig(environment);
  const logger = pino({ level: 'silent' });
  const log = createEventLog(database, logger);
  await log.start();
  const forum = createApp({ db: database.db, pool: database.pool, config, logger, log });
  return {
    ...forum,
    db: database.db,
    database,
    config,
    /** A browser: keeps cookies between requests. */
    browser: () => supertest.agent(forum.app),
    close: async () => {
      await log.stop();
      await database.close();
    },
  };
}

export type TestForum = Awaited<ReturnType<typeof startTestForum>>;

/** A comment's status and the rule that held it, as the moderation tests check them. */
export function heldState(forum: TestForum, id: number) {
  return forum.db
    .selectFrom('comments')
    .select(['status', 'held_by_rule'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}
