import { chmodSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket';
import type { Mutex, MutexInterface } from 'async-mutex';

/** Where `psql -h <dir>` and `pg` look for a PostgreSQL server's socket in a directory. */
export const socketPath = (dataDir: string): string => path.join(path.resolve(dataDir), '.s.PGSQL.5432');

/** sun_path holds 108 bytes on Linux, 104 on macOS, with its terminating zero. */
const MAX_SOCKET_PATH_BYTES = 103;

export const socketPathFits = (dataDir: string): boolean =>
  Buffer.byteLength(socketPath(dataDir)) <= MAX_SOCKET_PATH_BYTES;

const READY_FOR_QUERY = 0x5a; // 'Z', the last message of an answer to Query or Sync
const IDLE = 0x49; // 'I': not inside a transaction block
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);
/** The messages a complete answer ends with ReadyForQuery for: Query, Sync, CopyDone, CopyFail, FunctionCall, and the startup packet (type byte 0). */
const ENDS_WITH_READY = new Set([0x51, 0x53, 0x63, 0x66, 0x46, 0x00]);

/**
 * Replaces pglite-socket's own queue, which takes turns message by message: between
 * a client's Parse and its Sync, or its BEGIN and COMMIT, anything else run on the
 * single PGlite session would land inside the client's statement or transaction.
 * Here a socket client takes the same turn the application's Kysely connections take
 * (see openEmbedded) and keeps it until PGlite answers ReadyForQuery outside a
 * transaction.
 */
class TurnTakingQueue {
  #holder: { handlerId: number; release: MutexInterface.Releaser } | undefined;
  /**
   * Each client's messages, run one after another in the order they were cut from its
   * stream: the handler cuts them in a callback per chunk, so two chunks can be in
   * flight at once, and a client waiting for the turn it already holds would wait for ever.
   */
  readonly #inOrder = new Map<number, Promise<unknown>>();
  readonly #departed = new Set<number>();
  #waiting = 0;

  constructor(
    private readonly pglite: PGlite,
    private readonly turns: Mutex,
  ) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    const previous = this.#inOrder.get(handlerId) ?? Promise.resolve();
    this.#waiting += 1;
    const next = previous
      .catch(() => undefined)
      .then(() => this.#execute(handlerId, message, onData))
      .finally(() => {
        this.#waiting -= 1;
      });
    this.#inOrder.set(handlerId, next);
    return next;
  }

  async #execute(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    if (this.#departed.has(handlerId)) throw new Error('Handler disconnected');
    if (this.#holder?.handlerId !== handlerId) {
      const release = await this.turns.acquire();
      if (this.#departed.has(handlerId)) {
        release();
        throw new Error('Handler disconnected');
      }
      this.#holder = { handlerId, release };
    }
    let written = 0;
    let tail: Uint8Array = new Uint8Array(0);
    await this.pglite.runExclusive(() =>
      this.pglite.execProtocolRawStream(message, {
        onRawData: (data) => {
          written += data.length;
          tail = lastBytes(tail, data, 6);
          onData(data);
        },
      }),
    );
    const type = message[0] ?? -1;
    if (ENDS_WITH_READY.has(type) && tail[0] === READY_FOR_QUERY && tail[5] === IDLE) this.#endTurn();
    return written;
  }

  getQueueLength(): number {
    return this.#waiting;
  }

  clearQueueForHandler(handlerId: number): void {
    this.#departed.add(handlerId);
  }

  /**
   * A client has gone: finish a batch it left half sent, undo a transaction it left
   * open, and forget what it set for the session (SET, temporary tables, session
   * advisory locks), which would otherwise apply to the server's own queries.
   */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    await this.#inOrder.get(handlerId)?.catch(() => undefined);
    this.#inOrder.delete(handlerId);
    if (this.#holder?.handlerId !== handlerId) this.#holder = { handlerId, release: await this.turns.acquire() };
    try {
      await this.pglite.runExclusive(() => this.pglite.execProtocolRaw(SYNC));
      if (this.pglite.isInTransaction()) await this.pglite.exec('ROLLBACK');
      await this.pglite.exec('DISCARD ALL');
    } finally {
      this.#endTurn();
    }
  }

  #endTurn(): void {
    const holder = this.#holder;
    this.#holder = undefined;
    holder?.release();
  }
}

function lastBytes(previous: Uint8Array, next: Uint8Array, count: number): Uint8Array {
  if (next.length >= count) return next.slice(next.length - count);
  const joined = new Uint8Array(previous.length + next.length);
  joined.set(previous);
  joined.set(next, previous.length);
  return joined.slice(Math.max(0, joined.length - count));
}

export interface SharedSocket {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Serves the embedded database on a Unix socket in dataDir, so `npm run moderator`
 * and the other commands (and `psql -h <dataDir>`) reach the running server's
 * database instead of opening its files a second time. Anyone who can reach the
 * socket can do anything to the database, as with PGlite itself: only the owner may.
 */
export async function shareOnSocket(pglite: PGlite, turns: Mutex, dataDir: string): Promise<SharedSocket> {
  const file = socketPath(dataDir);
  // Left by a server that died; whoever calls this holds the lock.
  rmSync(file, { force: true });
  // pglite-socket types its queue as its own class; ours has the same methods.
  const queryQueue = new TurnTakingQueue(pglite, turns) as unknown as PGLiteSocketHandlerOptions['queryQueue'];
  const handlers = new Set<PGLiteSocketHandler>();
  const server = createServer((socket) => {
    const handler = new PGLiteSocketHandler({ queryQueue, closeOnDetach: true });
    handlers.add(handler);
    const forget = () => handlers.delete(handler);
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    handler.attach(socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(file, 0o600);
  return {
    path: file,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...handlers].map((handler) => handler.detach(true)));
      await closed;
    },
  };
}
