import { pino } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import type { Environment } from '../../src/config.js';
import { connectServer, type DatabaseHandle } from '../../src/db/connect.js';
import type { ClientEvents, ServerEvents } from '../../src/live/socket-contract.js';
import { type RunningForum, startForum } from '../../src/server.js';
import { createTestDatabase } from './database.js';
import { testConfig } from './forum.js';

export type Follower = Socket<ServerEvents, ClientEvents>;

/** A listening forum (HTTP + Socket.IO) on its own test database. */
export async function startLiveForum(environment: Partial<Environment> = {}, database?: DatabaseHandle) {
  const handle = database ?? (await createTestDatabase());
  const running = await startForum(
    testConfig({ PORT: '0', HOST: '127.0.0.1', ...environment }),
    pino({ level: 'silent' }),
    handle,
  );
  return running;
}

/** A second process on the same server database (only with TEST_DATABASE_URL). */
export function sameServerDatabase(url: string): DatabaseHandle {
  return connectServer(url, 10);
}

export function follower(forum: RunningForum): Follower {
  return connect(forum.url, { transports: ['websocket'], reconnection: false, forceNew: true });
}

/** Resolves with the first event that matches, or rejects after `ms`. */
export function next<E extends keyof ServerEvents>(
  socket: Follower,
  event: E,
  matches: (...args: Parameters<ServerEvents[E]>) => boolean = () => true,
  ms = 5_000,
): Promise<Parameters<ServerEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`No ${String(event)} within ${ms} ms`));
    }, ms);
    const listener = (...args: Parameters<ServerEvents[E]>) => {
      if (!matches(...args)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(args[0]);
    };
    socket.on(event, listener as never);
  });
}

/** Follows a question and waits for the server's acknowledgement. */
export async function follow(
  socket: Follower,
  slug: string,
  after?: number,
): Promise<{ data?: unknown; error?: string }> {
  if (!socket.connected) await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return socket.timeout(5_000).emitWithAck('follow', { slug, after });
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
