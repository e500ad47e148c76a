import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Backup,
  BackupError,
  backedUpTables,
  exportBackup,
  restoreBackup,
  WITHHELD_PLACEHOLDER,
} from '../../src/backup/backup.js';
import { connectServer, type DatabaseHandle, embeddedOptions, openEmbedded } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { importWordpressExport } from '../../src/imports/wordpress-import.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { storeComment } from '../support/comments.js';
import { adminUrl } from '../support/database.js';
import { startTestForum, type TestForum } from '../support/forum.js';
import { addModerator, signIn } from '../support/moderators.js';

let source: TestForum;
let target: DatabaseHandle;

/** A new, migrated database with nothing in it, as a restore expects. */
async function emptyDatabase(): Promise<DatabaseHandle> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const handle = openEmbedded(await PGlite.create(embeddedOptions));
    await migrateToLatest(handle.db);
    return handle;
  }
  const name = `open_questions_test_${randomBytes(6).toString('hex')}`;
  const admin = connectServer(serverUrl, 1);
  await admin.pool?.query(`create database ${name}`);
  await admin.close();
  const handle = connectServer(adminUrl(serverUrl, name), 4);
  await migrateToLatest(handle.db);
  return {
    ...handle,
    async close() {
      await handle.close();
      const cleanup = connectServer(serverUrl, 1);
      await cleanup.pool?.query(`drop database if exists ${name} with (force)`);
      await cleanup.close();
    },
  };
}

beforeAll(async () => {
  source = await startTestForum();
  // Something in every kind of table: comments in all states with microsecond times,
  // a WordPress import (its id table and a discussion), moderators, a session, settings, bans, the log.
  const first = await storeComment(source.db, 'how-useful-can-it-be', { body: 'Useful, if kept. <em>Really</em>.' });
  await storeComment(source.db, 'how-useful-can-it-be', { body: 'A reply.', parentId: first, status: 'pending' });
  await storeComment(source.db, 'how-useful-can-it-be', { body: 'Spam here.', status: 'spam' });
  await sql`update comments set created_at = '2026-01-02 03:04:05.123456+00' where id = ${first}`.execute(source.db);
  await importWordpressExport(source.db, path.join(PROJECT_ROOT, 'test', 'fixtures', 'wordpress-export.xml'), {
    maxDepth: 5,
  });
  await addModerator(source, 'admin');
  const moderator = await signIn(source);
  await moderator.browser
    .post('/mod/bans')
    .type('form')
    .send({ _csrf: moderator.csrf, target: '198.51.100.0/24', reason: 'Spam from this range', days: '' });
  await moderator.browser.post(`/mod/comments/${first}/spam`).type('form').send({ _csrf: moderator.csrf });
  await sql`insert into settings (key, value) values ('holdLinks', '3'::jsonb)`.execute(source.db);
  target = await emptyDatabase();
  // Two databases, one of them migrated from nothing: slow on a busy embedded run.
}, 240_000);
afterAll(async () => {
  await target?.close();
  await source?.close();
});

/** Every row of a table as PostgreSQL writes it (to_jsonb: exact times, jsonb, generated columns too). */
async function tableRows(db: Kysely<any>, table: string, order: string[]) {
  const { rows } = await sql<{ row: Record<string, unknown> }>`
    select to_jsonb(t) as row from ${sql.table(table)} as t
    order by ${sql.join(order.map((column) => sql.ref(`t.${column}`)))}`.execute(db);
  return rows.map((r) => r.row);
}

async function sequences(db: Kysely<any>) {
  const { rows } =
    await sql`select sequencename, last_value from pg_sequences where schemaname = 'public' order by 1`.execute(db);
  return rows;
}

describe('a backup', () => {
  let backup: Backup;
  it('holds every table but the ephemeral ones, and no password hashes', async () => {
    // Through JSON text, as the file carries it.
    backup = JSON.parse(JSON.stringify(await exportBackup(source.db))) as Backup;
    const names = Object.keys(backup.tables);
    for (const table of [
      'posts',
      'questions',
      'comments',
      'moderators',
      'settings',
      'bans',
      'moderation_log',
      'wordpress_imports',
    ])
      expect(names).toContain(table);
    for (const table of [
      'sessions',
      'login_attempts',
      'captcha_uses',
      'rate_limits',
      'socket_io_attachments',
      'kysely_migration',
    ])
      expect(names).not.toContain(table);
    expect(backup.tables.sessions).toBeUndefined();
    expect(JSON.stringify(backup)).not.toMatch(/scrypt\$/);
    expect(backup.tables.moderators?.[0]).not.toHaveProperty('password_hash');
    expect(backup.tables.comments?.[0]).not.toHaveProperty('search_vector');
    expect(backup.tables.bans).toHaveLength(1);
    expect(backup.tables.moderation_log?.length).toBeGreaterThan(0);
  });

  it('restores into an empty database exactly: every table, every column, the sequences', async () => {
    await restoreBackup(target.db, backup);
    for (const table of await backedUpTables(source.db)) {
      const order = table.primaryKey.length > 0 ? table.primaryKey : table.columns;
      const [before, after] = await Promise.all([
        tableRows(source.db, table.name, order),
        tableRows(target.db, table.name, order),
      ]);
      if (table.name === 'moderators') {
        expect(after.map((row) => row.password_hash)).toEqual(before.map(() => WITHHELD_PLACEHOLDER));
        for (const row of [...before, ...after]) delete row.password_hash;
      }
      expect({ table: table.name, rows: after }).toEqual({ table: table.name, rows: before });
    }
    expect(await sequences(target.db)).toEqual(await sequences(source.db));
    // The search vectors are not in the file: the restore rebuilt them, the same.
    expect(backup.tables).not.toHaveProperty('comment_search');
    const vectors = (db: Kysely<any>) => tableRows(db, 'comment_search', ['comment_id']);
    const rebuilt = await vectors(target.db);
    expect(rebuilt.length).toBeGreaterThan(0);
    expect(rebuilt).toEqual(await vectors(source.db));
  });

  it('is refused by a database that already holds a forum, which is left as it was', async () => {
    const before = await tableRows(target.db, 'comments', ['id']);
    await expect(restoreBackup(target.db, backup)).rejects.toThrow(BackupError);
    await expect(restoreBackup(target.db, backup)).rejects.toThrow(/not empty \(table \w+ has rows\)/);
    expect(await tableRows(target.db, 'comments', ['id'])).toEqual(before);
  });

  it('is refused when it is not a backup, or comes from a newer version (checked before anything else)', async () => {
    await expect(restoreBackup(target.db, { hello: 1 } as unknown as Backup)).rejects.toThrow(
      /not an Open Questions backup/,
    );
    const future = { ...backup, migrations: [...backup.migrations, '2099-01-01T0000-future'] };
    await expect(restoreBackup(target.db, future)).rejects.toThrow(/newer version/);
  });
});
