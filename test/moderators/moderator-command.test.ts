import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connect.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { usingServer } from '../support/database.js';

const run = promisify(execFile);
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

/** The command as `npm run moderator` runs it, from source, on a database nobody has opened. */
function moderator(args: string[], env: Record<string, string>) {
  return run(TSX, [path.join(PROJECT_ROOT, 'scripts', 'moderator.ts'), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env },
  }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

// The command on an embedded database: the embedded pass runs it (each call starts PGlite).
describe.runIf(!usingServer())('npm run moderator', () => {
  it('migrates a new embedded database, then adds and lists moderators', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'oq-moderator-'));
    const env = { DATA_DIR: dataDir, MODERATOR_PASSWORD: 'a long enough password' };

    const added = await moderator(['add', '--email', 'Ada@Example.org', '--name', 'Ada Admin', '--admin'], env);
    expect(added.stdout).toContain('Added admin Ada Admin <ada@example.org>');
    const duplicate = await moderator(['add', '--email', 'ADA@example.org', '--name', 'Again'], env);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('There is already a moderator');
    const usage = await moderator(['add', '--name', 'No Email'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('npm run moderator -- add --email <email> --name <name> [--admin]');

    const list = await moderator(['list'], env);
    expect(list.stdout).toMatch(/^ada@example\.org\tAda Admin\tadmin\t/);

    const database = await connectDatabase({ dataDir });
    try {
      const rows = await database.db.selectFrom('moderators').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]?.password_hash).toMatch(/^scrypt\$/);
      expect(rows[0]?.password_hash).not.toContain('a long enough password');
    } finally {
      await database.close();
    }
  }, 60_000);
});
