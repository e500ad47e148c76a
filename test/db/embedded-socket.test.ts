import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, embeddedOptions, openEmbedded } from '../../src/db/connect.js';
import { type SharedSocket, shareOnSocket } from '../../src/db/embedded-socket.js';
import { usingServer } from '../support/database.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The server's PGlite shared on a socket, in this process: the turns the application's
// queries and the socket's clients take on its single session.
describe.runIf(!usingServer())('the embedded database shared on a socket', () => {
  let dataDir: string;
  let handle: DatabaseHandle;
  let shared: SharedSocket;
  const client = () => new pg.Client({ host: dataDir, user: 'postgres', database: 'postgres' });
  const count = async () =>
    (await sql<{ n: number }>`select count(*)::int as n from notes`.execute(handle.db)).rows[0]?.n;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'oq-socket-'));
    const pglite = await PGlite.create(embeddedOptions);
    const embedded = openEmbedded(pglite);
    handle = embedded;
    shared = await shareOnSocket(pglite, embedded.turns, dataDir);
    await sql`create table notes (id serial primary key, body text not null)`.execute(handle.db);
  });
  afterAll(async () => {
    await shared.close();
    await handle.close();
  });

  it('runs none of a socket client’s statements inside the application’s transaction', async () => {
    const socket = client();
    await socket.connect();
    try {
      let seen: number | undefined;
      let reading: Promise<void> | undefined;
      await handle.db.connection().execute(async (connection) => {
        await sql`begin`.execute(connection);
        await sql`insert into notes (body) values ('uncommitted')`.execute(connection);
        reading = socket.query('select count(*)::int as n from notes').then((r) => {
          seen = r.rows[0].n;
        });
        await pause(200);
        expect(seen).toBeUndefined();
        await sql`rollback`.execute(connection);
      });
      await reading;
      expect(seen).toBe(0);
    } finally {
      await socket.end();
    }
  });

  it('runs none of the application’s queries inside a socket client’s transaction', async () => {
    const socket = client();
    await socket.connect();
    try {
      await socket.query('begin');
      await socket.query("insert into notes (body) values ('uncommitted')");
      const during = count();
      await pause(200);
      await socket.query('rollback');
      expect(await during).toBe(0);
    } finally {
      await socket.end();
    }
  });

  it('answers several clients and the application at once, large messages included', async () => {
    const pool = new pg.Pool({ host: dataDir, user: 'postgres', database: 'postgres', max: 4 });
    try {
      const small = Array.from({ length: 30 }, (_, n) =>
        pool.query('select $1::int as n', [n]).then((r) => r.rows[0].n as number),
      );
      // Larger than one read from the socket: the message arrives in several chunks.
      const large = Array.from({ length: 4 }, (_, n) =>
        pool.query('select length($1::text) as n', ['x'.repeat(300_000 + n)]).then((r) => r.rows[0].n as number),
      );
      const writes = Array.from({ length: 10 }, (_, n) =>
        handle.db.transaction().execute(async (trx) => {
          await sql`insert into notes (body) values (${`note ${n}`})`.execute(trx);
          return (await sql<{ n: number }>`select count(*)::int as n from notes`.execute(trx)).rows[0]?.n;
        }),
      );
      expect(await Promise.all(small)).toEqual(Array.from({ length: 30 }, (_, n) => n));
      expect(await Promise.all(large)).toEqual([300_000, 300_001, 300_002, 300_003]);
      expect((await Promise.all(writes)).sort((a = 0, b = 0) => a - b)).toEqual(
        Array.from({ length: 10 }, (_, n) => n + 1),
      );
    } finally {
      await pool.end();
      await sql`delete from notes`.execute(handle.db);
    }
  });

  it('rolls back what a client that left had open, and forgets its settings', async () => {
    const socket = client();
    await socket.connect();
    await socket.query("set timezone = 'Asia/Tokyo'");
    await socket.query('begin');
    await socket.query("insert into notes (body) values ('abandoned')");
    // Gone without COMMIT or ROLLBACK, as a killed command would be.
    socket.on('error', () => {});
    (socket as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    expect(await count()).toBe(0);
    const zone = await sql<{ TimeZone: string }>`show timezone`.execute(handle.db);
    expect(zone.rows[0]?.TimeZone).not.toBe('Asia/Tokyo');
  });
});
