import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import { connectServer, type DatabaseHandle, embeddedOptions, openEmbedded } from '../../src/db/connect.js';
import { PROJECT_ROOT } from '../../src/paths.js';

/**
 * Named after the checkout, so suites run from two working trees at once (one server)
 * never drop each other's template.
 */
export const TEMPLATE_DATABASE = `open_questions_test_template_${createHash('sha256').update(PROJECT_ROOT).digest('hex').slice(0, 8)}`;

/** The same server, another database on it. */
export function adminUrl(url: string, database?: string): string {
  const parsed = new URL(url);
  if (database) parsed.pathname = `/${database}`;
  return parsed.toString();
}

export const usingServer = (): boolean => Boolean(process.env.TEST_DATABASE_URL);

/**
 * A fresh, migrated and seeded database for one test file: a PGlite loaded from the
 * template dump, or a new database on the test server made from the template.
 */
export async function createTestDatabase(): Promise<DatabaseHandle & { url?: string }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const dump = readFileSync(inject('templateDump'));
    const pglite = await PGlite.create({ ...embeddedOptions, loadDataDir: new Blob([dump]) });
    return openEmbedded(pglite);
  }
  const name = `open_questions_test_${randomBytes(6).toString('hex')}`;
  const admin = connectServer(serverUrl, 1);
  await admin.pool?.query(`create database ${name} template ${TEMPLATE_DATABASE}`);
  await admin.close();
  const url = adminUrl(serverUrl, name);
  const handle = connectServer(url, 10);
  return {
    ...handle,
    url,
    async close() {
      await handle.close();
      const cleanup = connectServer(serverUrl, 1);
      await cleanup.pool?.query(`drop database if exists ${name} with (force)`);
      await cleanup.close();
    },
  };
}
