import { createConnection, createServer, type Server } from 'node:net';
import { io } from 'socket.io-client';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveComment } from '../../src/live/socket-contract.js';
import type { RunningForum } from '../../src/server.js';
import { createTestDatabase, usingServer } from '../support/database.js';
import { answer, commentIdFrom } from '../support/form.js';
import { startLiveForum } from '../support/live.js';
import { type ForumProcess, freePort, spawnForum } from '../support/process.js';

/**
 * A load balancer in miniature: each new connection goes to the first backend that
 * accepts it. When one process dies, its followers reconnect through here to another.
 */
async function balancer(backends: number[]): Promise<{ port: number; server: Server }> {
  const server = createServer((client) => {
    const tryBackend = (index: number) => {
      if (index >= backends.length) return client.destroy();
      const upstream = createConnection({ port: backends[index] as number, host: '127.0.0.1' });
      upstream.once('error', () => tryBackend(index + 1));
      upstream.once('connect', () => {
        client.pipe(upstream).pipe(client);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
        upstream.on('close', () => client.destroy());
      });
    };
    tryBackend(0);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, server };
}

describe.runIf(usingServer())('a follower whose process is killed', () => {
  let survivor: RunningForum;
  let doomed: ForumProcess;
  let lb: { port: number; server: Server };

  beforeAll(async () => {
    const database = await createTestDatabase();
    survivor = await startLiveForum({}, database);
    doomed = await spawnForum({ DATABASE_URL: database.url as string });
    lb = await balancer([doomed.port, Number(new URL(survivor.url).port)]);
  }, 60_000);
  afterAll(async () => {
    doomed?.child.kill('SIGKILL');
    lb?.server.close();
    await survivor?.stop();
  });

  it('reconnects to the other process and misses nothing', async () => {
    const slug = 'what-is-being-discussed';
    // The same behaviour as the page script: follow on every connection with the newest id held.
    let latest = 0;
    const received: number[] = [];
    const socket = io(`http://127.0.0.1:${lb.port}`, {
      transports: ['websocket'],
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
    });
    socket.on('connect', () => socket.emit('follow', { slug, after: latest }));
    socket.on('comment:new', (comment: LiveComment) => {
      if (received.includes(comment.id)) return;
      received.push(comment.id);
      latest = Math.max(latest, comment.id);
    });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));

    const before = commentIdFrom(await answer(supertest.agent(survivor.url), slug, { body: 'before the crash' }));
    await expect.poll(() => received.includes(before)).toBe(true);

    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const during: number[] = [];
    for (let n = 0; n < 3; n += 1)
      during.push(
        commentIdFrom(await answer(supertest.agent(survivor.url), slug, { body: `while reconnecting ${n}` })),
      );

    await expect.poll(() => during.every((id) => received.includes(id)), { timeout: 15_000 }).toBe(true);
    expect(received).toEqual([before, ...during]);
    socket.disconnect();
  }, 60_000);
});
