import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/db/embedded-lock.js';
import { socketPath } from '../../src/db/embedded-socket.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { usingServer } from '../support/database.js';
import { type ForumProcess, freePort, spawnForum } from '../support/process.js';

const run = promisify(execFile);
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const PASSWORD = 'a long enough password';
// Each command compiles its TypeScript and starts PGlite: a minute or more on a loaded machine.
const SLOW_MS = 240_000;

/** A command as `npm run <name>` runs it, from source. */
function command(script: string, args: string[], dataDir: string) {
  return run(TSX, [path.join(PROJECT_ROOT, 'scripts', script), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent', NODE_ENV: 'test', DATA_DIR: dataDir, MODERATOR_PASSWORD: PASSWORD },
  }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

/** `npm start` on dataDir, expected to refuse: its exit code and what it said. */
async function startRefused(dataDir: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATA_DIR: dataDir, PORT: String(await freePort()) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, output };
}

async function signIn(url: string, email: string) {
  return supertest.agent(url).post('/login').type('form').send({ email, password: PASSWORD });
}

/** A pid that no process has any more. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
}

// Only the embedded database has a lock and a socket; the embedded pass runs this.
describe.runIf(!usingServer())('the embedded database while the server runs', () => {
  let dataDir: string;
  let forum: ForumProcess;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'oq-shared-'));
    forum = await spawnForum({ DATA_DIR: dataDir });
  }, SLOW_MS);
  afterAll(async () => {
    forum.child.kill('SIGTERM');
    await forum.exited;
  });

  it(
    'adds a moderator who can sign in at once, without a restart',
    async () => {
      const added = await command('moderator.ts', ['add', '--email', 'ada@example.org', '--name', 'Ada'], dataDir);
      expect(added.stderr).toBe('');
      expect(added.code).toBe(0);
      const res = await signIn(forum.url, 'ada@example.org');
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/mod');

      const removed = await command('moderator.ts', ['remove', '--email', 'ada@example.org'], dataDir);
      expect(removed.code).toBe(0);
      expect((await signIn(forum.url, 'ada@example.org')).status).toBe(401);
    },
    SLOW_MS,
  );

  it(
    'imports a post, migrates and seeds made-up comments, seen by the server at once',
    async () => {
      const post = path.join(dataDir, 'post.txt');
      writeFileSync(post, 'Who Runs the Internet\n\nThe question is simple. Who pays for the cables?\n');
      const imported = await command('import-post.ts', [post], dataDir);
      expect(imported.code).toBe(0);
      const questions = await (await fetch(`${forum.url}/api/questions`)).json();
      const slugs = questions.questions.map((question: { slug: string }) => question.slug);
      expect(slugs).toContain('who-pays-for-the-cables');

      const migrated = await command('migrate.ts', [], dataDir);
      expect(migrated.code).toBe(0);
      expect(migrated.stdout).toContain('The database is up to date.');

      const seeded = await command(
        'seed-fake.ts',
        ['--question', 'who-pays-for-the-cables', '--comments', '40'],
        dataDir,
      );
      expect(seeded.code).toBe(0);
      const comments = await (await fetch(`${forum.url}/api/questions/who-pays-for-the-cables/comments`)).json();
      expect(comments.comments).toHaveLength(40);
    },
    SLOW_MS,
  );

  it(
    'serves psql and pg on a socket in DATA_DIR, one transaction at a time',
    async () => {
      const client = new pg.Client({ host: dataDir, user: 'postgres', database: 'postgres' });
      await client.connect();
      try {
        await client.query('begin');
        await client.query("update questions set wording = 'Rewritten inside a transaction'");
        // The server's own query waits for the transaction and never runs inside it.
        const during = fetch(`${forum.url}/api/questions`).then((res) => res.json());
        await new Promise((resolve) => setTimeout(resolve, 300));
        await client.query('rollback');
        const wordings = (await during).questions.map((question: { wording: string }) => question.wording);
        expect(wordings).not.toContain('Rewritten inside a transaction');
        expect(wordings).toContain('Who pays for the cables?');
      } finally {
        await client.end();
      }

      // Several socket clients and the server's requests at once, all answered rightly.
      const pool = new pg.Pool({ host: dataDir, user: 'postgres', database: 'postgres', max: 4 });
      try {
        const queries = Array.from({ length: 20 }, (_, n) =>
          pool.query<{ n: number }>('select $1::int as n from questions limit 1', [n]).then((r) => r.rows[0]?.n),
        );
        // Messages larger than one read from the socket arrive in several chunks.
        const large = Array.from({ length: 4 }, (_, n) =>
          pool
            .query<{ n: number }>('select length($1::text) as n', ['x'.repeat(500_000 + n)])
            .then((r) => r.rows[0]?.n),
        );
        const pages = Array.from({ length: 20 }, () => fetch(`${forum.url}/questions/who-pays-for-the-cables`));
        expect(await Promise.all(queries)).toEqual(Array.from({ length: 20 }, (_, n) => n));
        expect(await Promise.all(large)).toEqual([500_000, 500_001, 500_002, 500_003]);
        for (const page of await Promise.all(pages)) expect(page.status).toBe(200);
      } finally {
        await pool.end();
      }
    },
    SLOW_MS,
  );

  it(
    'refuses a second server on the same DATA_DIR',
    async () => {
      const second = await startRefused(dataDir);
      expect(second.code).toBe(1);
      expect(second.output).toContain(
        `Another server (process ${forum.child.pid}) is running on the embedded database`,
      );
      expect((await fetch(`${forum.url}/healthz`)).status).toBe(200);
    },
    SLOW_MS,
  );
});

describe.runIf(!usingServer())('the embedded database lock', () => {
  it(
    'is taken over from a server that was killed',
    async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'oq-stale-'));
      const first = await spawnForum({ DATA_DIR: dataDir });
      first.child.kill('SIGKILL');
      await first.exited;
      expect(JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(first.child.pid);
      expect(existsSync(socketPath(dataDir))).toBe(true);

      // A command opens the database itself, then a new server starts on it.
      const added = await command('moderator.ts', ['add', '--email', 'mo@example.org', '--name', 'Mo'], dataDir);
      expect(added.code).toBe(0);
      const second = await spawnForum({ DATA_DIR: dataDir });
      try {
        expect((await signIn(second.url, 'mo@example.org')).status).toBe(303);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
      expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
    },
    SLOW_MS,
  );

  it(
    'makes commands and servers wait for a command that has the database open',
    async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'oq-busy-'));
      // This test's own process stands for a running command.
      writeFileSync(path.join(dataDir, LOCK_FILE), JSON.stringify({ pid: process.pid, role: 'command' }));
      const listed = await command('moderator.ts', ['list'], dataDir);
      expect(listed.code).toBe(1);
      expect(listed.stderr).toContain(`Another command (process ${process.pid}) has the embedded database`);
      const server = await startRefused(dataDir);
      expect(server.code).toBe(1);
      expect(server.output).toContain('Wait for it to finish, then start the server.');

      // A server that does not (yet) answer on a socket: the command says to try again.
      writeFileSync(path.join(dataDir, LOCK_FILE), JSON.stringify({ pid: process.pid, role: 'server' }));
      const early = await command('migrate.ts', [], dataDir);
      expect(early.code).toBe(1);
      expect(early.stderr).toContain('does not answer on its socket');

      writeFileSync(path.join(dataDir, LOCK_FILE), JSON.stringify({ pid: await deadPid(), role: 'command' }));
      expect((await command('moderator.ts', ['list'], dataDir)).code).toBe(0);
    },
    SLOW_MS,
  );
});
