import { Writable } from 'node:stream';
import { pino } from 'pino';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createEventLog } from '../../src/events/event-log.js';
import { createTestDatabase } from '../support/database.js';
import { answer } from '../support/form.js';
import { testConfig } from '../support/forum.js';

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});
let close: () => Promise<void>;
let app: ReturnType<typeof createApp>['app'];

beforeAll(async () => {
  const database = await createTestDatabase();
  const log = createEventLog(database, pino({ level: 'silent' }));
  await log.start();
  close = async () => {
    await log.stop();
    await database.close();
  };
  const config = testConfig({ LOG_LEVEL: 'info' });
  app = createApp({
    db: database.db,
    pool: database.pool,
    config,
    logger: pino({ level: 'info' }, sink),
    log,
  }).app;
});
afterAll(() => close());

describe('request logs', () => {
  it('are JSON lines with the request id, route, status and duration, and nothing a person typed', async () => {
    const browser = supertest.agent(app);
    const res = await answer(browser, 'what-is-concluded', {
      author: 'Logged Person',
      email: 'private.person@example.org',
      body: 'A body that must never reach a log file',
    });
    expect(res.status).toBe(303);
    const post = lines.find((line) => (line.req as { method?: string })?.method === 'POST');
    expect(post).toMatchObject({
      req: { method: 'POST', path: '/questions/what-is-concluded/comments' },
      res: { status: 303 },
      route: '/questions/:slug/comments',
    });
    expect(typeof post?.responseTime).toBe('number');
    expect(post?.req).toHaveProperty('id', res.headers['x-request-id']);

    const everything = JSON.stringify(lines);
    for (const secret of [
      'private.person@example.org',
      'A body that must never reach',
      'Logged Person',
      'oq_visitor',
      'captcha_token',
      'c1.',
    ]) {
      expect(everything).not.toContain(secret);
    }
  });
});
