import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { pino } from 'pino';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.js';
import { importPost } from '../../src/posts/import-post.js';
import { seedPosts } from '../../src/seed.js';
import { startForum } from '../../src/server.js';
import { usingServer } from '../support/database.js';
import { answer, commentIdFrom } from '../support/form.js';
import { startTestForum, type TestForum, testConfig } from '../support/forum.js';

let forum: TestForum;
beforeAll(async () => {
  forum = await startTestForum();
});
afterAll(() => forum.close());

const count = async (table: 'posts' | 'questions') =>
  (await forum.db.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;

describe('seeding', () => {
  it('stores the post and its nine questions, and a second run changes nothing', async () => {
    expect(await count('posts')).toBe(1);
    expect(await count('questions')).toBe(9);
    await seedPosts(forum.db, path.join(PROJECT_ROOT, 'seed'));
    await seedPosts(forum.db, path.join(PROJECT_ROOT, 'seed'));
    expect(await count('posts')).toBe(1);
    expect(await count('questions')).toBe(9);
  });

  it('imports another post with its own questions and unique slugs', async () => {
    const result = await importPost(
      forum.db,
      'Home Internet governance Who Runs the Internet\nWho Runs the Internet\n\nSome say nobody does. What is their definition of cyberspace? I want to know who pays and why it matters.\n\nLeave a Reply\n',
    );
    expect(result.created).toBe(true);
    expect(result.questions.map((q) => q.wording)).toEqual([
      'What is their definition of cyberspace?',
      'Who pays?',
      'Why it matters?',
    ]);
    expect(result.questions[0]?.slug).toBe('what-is-their-definition-of-cyberspace-2');
    const page = await forum.browser().get('/posts/who-runs-the-internet').expect(200);
    expect(page.text).toContain('href="/questions/what-is-their-definition-of-cyberspace-2"');
    expect((await importPost(forum.db, 'Who Runs the Internet\n\nAgain?\n')).created).toBe(false);
  });
});

describe.runIf(!usingServer())('the embedded database', () => {
  it('keeps every answer across a restart', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'oq-restart-'));
    const config = testConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' });
    const logger = pino({ level: 'silent' });

    const first = await startForum(config, logger);
    const id = commentIdFrom(
      await answer(supertest.agent(first.url), 'what-is-concluded', { body: 'Survives restarts' }),
    );
    await first.stop();

    const second = await startForum(config, logger);
    try {
      const page = await supertest(second.url).get('/questions/what-is-concluded').expect(200);
      expect(page.text).toContain(`id="comment-${id}"`);
      expect(page.text).toContain('Survives restarts');
      const questions = await supertest(second.url).get('/api/questions').expect(200);
      expect(questions.body.questions).toHaveLength(9);
    } finally {
      await second.stop();
    }
  }, 60_000);
});

describe('the client address', () => {
  const storedIp = async (target: TestForum, id: number) =>
    (await target.db.selectFrom('comments').select('ip').where('id', '=', id).executeTakeFirstOrThrow()).ip;

  it('ignores X-Forwarded-For unless TRUST_PROXY says so', async () => {
    const browser = forum.browser().set('X-Forwarded-For', '203.0.113.9');
    const id = commentIdFrom(await answer(browser, 'what-is-concluded'));
    expect(await storedIp(forum, id)).not.toBe('203.0.113.9');

    const proxied = await startTestForum({ TRUST_PROXY: 'loopback' });
    try {
      const viaProxy = proxied.browser().set('X-Forwarded-For', '203.0.113.9');
      const proxiedId = commentIdFrom(await answer(viaProxy, 'what-is-concluded'));
      expect(await storedIp(proxied, proxiedId)).toBe('203.0.113.9');
    } finally {
      await proxied.close();
    }
  });
});
