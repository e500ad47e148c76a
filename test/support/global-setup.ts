import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { connectServer, embeddedOptions, openEmbedded } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { seedPosts } from '../../src/seed.js';
import { adminUrl, TEMPLATE_DATABASE } from './database.js';

/**
 * Migrates and seeds one database that every test file copies: a PGlite data
 * directory dump (embedded) or a template database (TEST_DATABASE_URL).
 */
export default async function setup(project: TestProject): Promise<void> {
  const seedDir = path.join(PROJECT_ROOT, 'seed');
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const admin = connectServer(adminUrl(serverUrl), 1);
    await admin.pool?.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await admin.pool?.query(`create database ${TEMPLATE_DATABASE}`);
    await admin.close();
    const template = connectServer(adminUrl(serverUrl, TEMPLATE_DATABASE), 1);
    await migrateToLatest(template.db);
    await seedPosts(template.db, seedDir);
    await template.close();
    project.provide('templateDump', '');
    return;
  }
  const pglite = await PGlite.create(embeddedOptions);
  const handle = openEmbedded(pglite);
  await migrateToLatest(handle.db);
  await seedPosts(handle.db, seedDir);
  const dump = await pglite.dumpDataDir('none');
  const file = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'open-questions', `template-${process.pid}.tar`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
  project.provide('templateDump', file);
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDump: string;
  }
}
