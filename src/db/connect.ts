import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Mutex, type MutexInterface } from 'async-mutex';
import { type DatabaseConnection, type Driver, Kysely, PostgresDialect, type TransactionSettings } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { messages } from '../messages.js';
import type { Database, DB } from './database.js';
import { EmbeddedDatabaseInUse, type LockRole, takeEmbeddedLock } from './embedded-lock.js';
import { shareOnSocket, socketPath, socketPathFits } from './embedded-socket.js';

// `date` columns stay 'YYYY-MM-DD' strings on both drivers: a calendar date has no time zone.
const DATE_OID = 1082;
pg.types.setTypeParser(DATE_OID, (value) => value);

export interface DatabaseHandle {
  readonly db: DB;
  readonly kind: 'embedded' | 'server';
  /** Present on a `pg` connection: the pool, for the Socket.IO adapter and sessions. */
  readonly pool?: pg.Pool;
  /** A server's embedded database, shared on this Unix socket (`psql -h DATA_DIR`). */
  readonly socket?: string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Pool size for a server connection. */
  maxConnections?: number;
  /**
   * On the embedded database: a server opens it and shares it on a socket; a command
   * (the default) opens it, or reaches it through a running server's socket.
   */
  role?: LockRole;
}

/** The embedded database is open elsewhere and cannot be reached: the message says what to do. */
export class EmbeddedDatabaseBusy extends Error {}

/**
 * A `pg` pool when a URL is given, otherwise the embedded PostgreSQL under dataDir,
 * opened by one process at a time (a lock file in dataDir says which).
 */
export async function connectDatabase(options: ConnectOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) return connectServer(options.databaseUrl, options.maxConnections ?? 10);
  const role = options.role ?? 'command';
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  let lock: ReturnType<typeof takeEmbeddedLock>;
  try {
    lock = takeEmbeddedLock(dataDir, role);
  } catch (error) {
    if (!(error instanceof EmbeddedDatabaseInUse)) throw error;
    const { holder } = error;
    const busy = new EmbeddedDatabaseBusy(messages.embeddedDatabaseBusy(role, holder, dataDir));
    if (role === 'command' && holder.role === 'server' && existsSync(socketPath(dataDir))) {
      return connectThroughSocket(dataDir, busy);
    }
    throw busy;
  }
  try {
    const directory = path.join(dataDir, 'pglite');
    mkdirSync(directory, { recursive: true });
    const pglite = await PGlite.create(directory, embeddedOptions);
    const handle = openEmbedded(pglite);
    const shared =
      role === 'server' && socketPathFits(dataDir) ? await shareOnSocket(pglite, handle.turns, dataDir) : undefined;
    return {
      db: handle.db,
      kind: 'embedded',
      socket: shared?.path,
      async close() {
        try {
          await shared?.close();
          await handle.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * A running server's embedded database, through the socket it shares it on; `busy`
 * when nothing answers there (a server still starting, or the socket of one that died
 * just now).
 */
async function connectThroughSocket(dataDir: string, busy: EmbeddedDatabaseBusy): Promise<DatabaseHandle> {
  // One connection: the server serves one socket client's transaction at a time anyway.
  const pool = new pg.Pool({ host: dataDir, user: 'postgres', database: 'postgres', max: 1 });
  pool.on('error', () => {});
  try {
    await pool.query('select 1');
  } catch {
    await pool.end();
    throw busy;
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'embedded', pool, socket: socketPath(dataDir), close: () => db.destroy() };
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

/**
 * PGlite is a single PostgreSQL session. Each Kysely connection (one query, or a whole
 * transaction) takes a turn on it, and so does each socket client (embedded-socket.ts),
 * so nobody's statement lands inside another's transaction.
 */
export function openEmbedded(pglite: PGlite): DatabaseHandle & { turns: Mutex } {
  const turns = new Mutex();
  const db = new Kysely<Database>({ dialect: new TurnTakingDialect(pglite, turns) });
  return { db, kind: 'embedded', turns, close: () => db.destroy() };
}

class TurnTakingDialect extends PGliteDialect {
  constructor(
    pglite: PGlite,
    private readonly turns: Mutex,
  ) {
    super(pglite);
  }

  override createDriver(): Driver {
    return new TurnTakingDriver(super.createDriver(), this.turns);
  }
}

class TurnTakingDriver implements Driver {
  #release: MutexInterface.Releaser | undefined;

  constructor(
    private readonly inner: Driver,
    private readonly turns: Mutex,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.turns.acquire();
    try {
      const connection = await this.inner.acquireConnection();
      this.#release = release;
      return connection;
    } catch (error) {
      release();
      throw error;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    try {
      await this.inner.releaseConnection(connection);
    } finally {
      release?.();
    }
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
