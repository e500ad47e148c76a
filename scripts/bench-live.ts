/**
 * `npm run bench:live -- [--followers 1000] [--posts 50]`: N Socket.IO followers on one
 * question, M answers posted through the real form (captcha solved from its label),
 * and the delay from each POST's response to the LAST follower's arrival. Also the
 * server's memory per connection. Starts the production build as a child process on
 * the embedded database (or DATABASE_URL, when set). A measuring tool, not a test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import type { ClientEvents, ServerEvents } from '../src/live/socket-contract.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { solveCaptcha } from './solve-captcha.js';

const { values } = parseArgs({
  options: {
    followers: { type: 'string', default: '1000' },
    posts: { type: 'string', default: '50' },
    port: { type: 'string', default: '3411' },
    slug: { type: 'string', default: 'what-is-this-code-of-conduct-really-about' },
  },
});
const followerCount = Number(values.followers);
const postCount = Number(values.posts);
const base = `http://127.0.0.1:${values.port}`;
const slug = values.slug as string;

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

async function waitForHealth(): Promise<void> {
  for (let i = 0; i < 120; i += 1) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('The server did not become healthy');
}

function startServer(): ChildProcess {
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    PORT: values.port,
    HOST: '127.0.0.1',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'oq-bench-live-')),
    CAPTCHA_MIN_SECONDS: '0',
    MODERATION_LINK_LIMIT: '0',
    RATE_LIMIT_COMMENTS_PER_IP: '1000000',
    MODERATION_FLOOD_SECONDS: '0',
    RATE_LIMIT_LIVE_EVENTS_PER_IP: '1000000',
    LOG_LEVEL: 'warn',
  };
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function postAnswer(n: number): Promise<{ id: number; sentAt: number; answeredAt: number }> {
  const page = await fetch(`${base}/questions/${slug}`);
  const cookie = page.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ');
  const html = await page.text();
  const csrf = /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? '';
  const label = /<label for="captcha_answer">([^<]*)<\/label>/.exec(html)?.[1] ?? '';
  const token = /name="captcha_token" value="([^"]*)"/.exec(html)?.[1] ?? '';
  const body = new URLSearchParams({
    author: `Bench ${n}`,
    email: `bench${n}@example.org`,
    body: `Answer number ${n}: a paragraph of text of a realistic length for a policy forum reply.`,
    captcha_answer: String(solveCaptcha(label)),
    captcha_token: token,
    _csrf: csrf,
  });
  const sentAt = performance.now();
  const response = await fetch(`${base}/questions/${slug}/comments`, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
    body,
  });
  const answeredAt = performance.now();
  if (response.status !== 201) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
  return { id: ((await response.json()) as { id: number }).id, sentAt, answeredAt };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const server = startServer();
  try {
    await waitForHealth();
    const pid = server.pid as number;
    const idleKb = rssKb(pid);

    // Each arrival is stamped the moment the follower's client sees it.
    const arrivals = new Map<number, number[]>();
    const sockets: Socket<ServerEvents, ClientEvents>[] = [];
    const connectStart = performance.now();
    for (let i = 0; i < followerCount; i += 1) {
      const socket: Socket<ServerEvents, ClientEvents> = io(base, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
      });
      socket.on('comment:new', (comment) => {
        const list = arrivals.get(comment.id) ?? [];
        list.push(performance.now());
        arrivals.set(comment.id, list);
      });
      sockets.push(socket);
    }
    await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<void>((resolve, reject) => {
            const go = () =>
              socket
                .timeout(30_000)
                .emit('follow', { slug, after: 2 ** 31 - 1 }, (error) => (error ? reject(error) : resolve()));
            if (socket.connected) go();
            else socket.once('connect', go);
          }),
      ),
    );
    const connectMs = performance.now() - connectStart;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const followingKb = rssKb(pid);

    const delays: number[] = [];
    const endToEnd: number[] = [];
    let missing = 0;
    for (let n = 0; n < postCount; n += 1) {
      const { id, sentAt, answeredAt } = await postAnswer(n);
      const deadline = performance.now() + 10_000;
      while ((arrivals.get(id)?.length ?? 0) < followerCount && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const got = arrivals.get(id) ?? [];
      if (got.length < followerCount) missing += followerCount - got.length;
      // Negative: every follower had it before the poster's response was read.
      delays.push(Math.max(...got) - answeredAt);
      endToEnd.push(Math.max(...got) - sentAt);
    }
    delays.sort((a, b) => a - b);
    endToEnd.sort((a, b) => a - b);
    for (const socket of sockets) socket.disconnect();

    const result = {
      followers: followerCount,
      posts: postCount,
      connectAndFollowSeconds: +(connectMs / 1000).toFixed(2),
      lastArrivalAfterPostMs: {
        p50: +percentile(delays, 50).toFixed(1),
        p99: +percentile(delays, 99).toFixed(1),
        max: +(delays.at(-1) ?? Number.NaN).toFixed(1),
      },
      lastArrivalAfterPostSentMs: {
        p50: +percentile(endToEnd, 50).toFixed(1),
        p99: +percentile(endToEnd, 99).toFixed(1),
        max: +(endToEnd.at(-1) ?? Number.NaN).toFixed(1),
      },
      missingDeliveries: missing,
      serverRssMb: { idle: +(idleKb / 1024).toFixed(1), withFollowers: +(followingKb / 1024).toFixed(1) },
      serverKbPerConnection: +((followingKb - idleKb) / followerCount).toFixed(1),
      database: process.env.DATABASE_URL ? 'PostgreSQL server' : 'embedded (PGlite)',
      node: process.version,
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    server.kill('SIGTERM');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
