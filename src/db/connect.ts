import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database, DB } from './database.js';

// `date` columns stay 'YYYY-MM-DD' strings on both drivers: a calendar date has no time zone.
const DATE_OID = 1082;
pg.types.setTypeParser(DATE_OID, (value) => value);

export interface DatabaseHandle {
  readonly db: DB;
  readonly kind: 'embedded' | 'server';
  /** Present on a server connection: the pool, for the Socket.IO adapter and sessions. */
  readonly pool?: pg.Pool;
  close(): Promise<void>;
}

export interface ConnectOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Pool size for a server connection. */
  maxConnections?: number;
}

/** A `pg` pool when a URL is given, otherwise the embedded PostgreSQL under dataDir. */
export async function connectDatabase(options: ConnectOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) return connectServer(options.databaseUrl, options.maxConnections ?? 10);
  const directory = path.join(options.dataDir, 'pglite');
  mkdirSync(directory, { recursive: true });
  return openEmbedded(await PGlite.create(directory, embeddedOptions));
}

export const embeddedOptions = { parsers: { [DATE_OID]: (value: string) => value } };

export function connectServer(connectionString: string, max = 10): DatabaseHandle {
  // A server that is down answers at once (refused); one that is unreachable must not
  // hold a request for ever: give up connecting after a few seconds and answer 503.
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5_000 });
  // A client losing its server (a restart) emits 'error'; unheard, that would crash
  // the process. Idle clients report to the pool; checked-out ones (a transaction, the
  // Socket.IO adapter's LISTEN connection) to themselves. Queries still fail and are
  // answered 503; the pool makes new connections once the server is back.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'server', pool, close: () => db.destroy() };
}

export function openEmbedded(pglite: PGlite): DatabaseHandle {
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { db, kind: 'embedded', close: () => db.destroy() };
}
