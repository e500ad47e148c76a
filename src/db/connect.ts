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
  /**
   * Calls `onNotify` for each NOTIFY on the channel (and `onReconnect` whenever a lost
   * listening connection comes back, since notifications sent meanwhile are gone).
   * Returns a function that stops listening.
   */
  listen(channel: string, onNotify: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
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
  const listeners = new Set<() => Promise<void>>();
  return {
    db,
    kind: 'server',
    pool,
    async listen(channel, onNotify, onReconnect) {
      const stop = await listenOnServer(connectionString, channel, onNotify, onReconnect);
      listeners.add(stop);
      return async () => {
        listeners.delete(stop);
        await stop();
      };
    },
    async close() {
      await Promise.all([...listeners].map((stop) => stop()));
      await db.destroy();
    },
  };
}

const RELISTEN_DELAY_MS = 1_000;

/**
 * LISTEN on a connection of its own (outside the pool, so it never holds a pooled
 * client), reconnecting after a server restart until stopped.
 */
async function listenOnServer(
  connectionString: string,
  channel: string,
  onNotify: (payload: string) => void,
  onReconnect?: () => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const open = async (first: boolean): Promise<void> => {
    const next = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
    next.on('error', () => {});
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify(message.payload ?? '');
    });
    next.on('end', () => {
      if (stopped || client !== next) return;
      client = undefined;
      retry = setTimeout(() => reopen(), RELISTEN_DELAY_MS);
      retry.unref();
    });
    await next.connect();
    await next.query(`listen ${pg.escapeIdentifier(channel)}`);
    if (stopped) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    if (!first) onReconnect?.();
  };
  const reopen = () => {
    open(false).catch(() => {
      if (stopped) return;
      retry = setTimeout(() => reopen(), RELISTEN_DELAY_MS);
      retry.unref();
    });
  };
  try {
    await open(true);
  } catch {
    // The database is away now: keep trying in the background; callers poll meanwhile.
    reopen();
  }
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
  };
}

export function openEmbedded(pglite: PGlite): DatabaseHandle {
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'embedded',
    // One database in this process: its notifications come to its own listeners.
    async listen(channel, onNotify) {
      const unsubscribe = await pglite.listen(channel, onNotify);
      return async () => {
        if (!pglite.closed) await unsubscribe();
      };
    },
    close: () => db.destroy(),
  };
}
