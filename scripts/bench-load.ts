/**
 * `npm run bench:load -- [--posters 200] [--followers 500] [--seconds 30]`: two app
 * processes on one PostgreSQL server, posters answering through the real endpoint
 * (captcha, CSRF token, cookies; each from its own address via X-Forwarded-For, which
 * the processes trust from loopback) and followers split across both processes. It
 * prints what was accepted, what was refused and why, any 5xx, any accepted answer
 * missing from the database, and any live event a follower did not get. A measuring
 * tool, not a test; it only talks to 127.0.0.1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import type { ClientEvents, ServerEvents } from '../src/live/socket-contract.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { solveCaptcha } from './solve-captcha.js';

const { values } = parseArgs({
  options: {
    posters: { type: 'string', default: '200' },
    followers: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '30' },
  },
});
const POSTERS = Number(values.posters);
const FOLLOWERS = Number(values.followers);
const SECONDS = Number(values.seconds);
const PORTS = [3421, 3422];
const SLUGS = ['what-is-being-discussed', 'how-useful-can-it-be', 'what-is-concluded'];
const SECRET = randomBytes(32).toString('base64url');
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function startProcess(port: number, url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      SESSION_SECRET: SECRET,
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      TRUST_PROXY: 'loopback',
      CAPTCHA_MIN_SECONDS: '0',
      // Each poster answers every second or so: the flood rule would refuse nearly all,
      // and the point is to load the write path. Duplicates cannot happen (each body is new).
      MODERATION_FLOOD_SECONDS: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 120; i += 1) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`process on ${port} did not start`);
}

interface Outcome {
  accepted: { id: number; slug: string; status: string }[];
  refused: Map<string, number>;
  serverErrors: number;
  networkErrors: number;
}

async function poster(n: number, deadline: number, outcome: Outcome): Promise<void> {
  const address = `10.${(n >> 8) & 255}.${n & 255}.${1 + (n % 250)}`;
  let cookie = '';
  const remember = (response: Response) => {
    const fresh = response.headers.getSetCookie().map((header) => header.split(';')[0] as string);
    const jar = new Map(cookie ? cookie.split('; ').map((pair) => pair.split('=', 2) as [string, string]) : []);
    for (const pair of fresh) {
      const [name, value] = pair.split('=', 2) as [string, string];
      jar.set(name, value);
    }
    cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  };
  let round = 0;
  while (Date.now() < deadline) {
    round += 1;
    const base = `http://127.0.0.1:${PORTS[(n + round) % PORTS.length]}`;
    const slug = SLUGS[(n + round) % SLUGS.length] as string;
    try {
      const captchaResponse = await fetch(`${base}/api/questions/${slug}/captcha`, {
        headers: { 'X-Forwarded-For': address, Cookie: cookie },
      });
      remember(captchaResponse);
      if (captchaResponse.status !== 200) {
        count(outcome, captchaResponse.status, `captcha ${captchaResponse.status}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      const captcha = (await captchaResponse.json()) as { label: string; token: string; csrf_token: string };
      const response = await fetch(`${base}/questions/${slug}/comments`, {
        method: 'POST',
        headers: {
          Accept: 'application/json',
          'Content-Type': 'application/json',
          'X-Forwarded-For': address,
          Cookie: cookie,
        },
        body: JSON.stringify({
          author: `Poster ${n}`,
          email: `poster${n}@example.org`,
          body: `Answer ${round} from poster ${n}: a considered paragraph about the code of conduct.`,
          captcha_answer: String(solveCaptcha(captcha.label)),
          captcha_token: captcha.token,
          _csrf: captcha.csrf_token,
        }),
      });
      remember(response);
      const result = (await response.json().catch(() => ({}))) as { id?: number; status?: string; code?: string };
      if (response.status === 201 && result.id)
        outcome.accepted.push({ id: result.id, slug, status: result.status ?? '' });
      else count(outcome, response.status, result.code ?? String(response.status));
    } catch {
      outcome.networkErrors += 1;
    }
  }
}

function count(outcome: Outcome, status: number, reason: string): void {
  if (status >= 500) outcome.serverErrors += 1;
  outcome.refused.set(reason, (outcome.refused.get(reason) ?? 0) + 1);
}

async function main(): Promise<void> {
  const name = `open_questions_load_${randomBytes(4).toString('hex')}`;
  await withAdmin((client) => client.query(`create database ${name}`));
  const url = databaseUrl(name);
  const processes: ChildProcess[] = [];
  const sockets: Socket<ServerEvents, ClientEvents>[] = [];
  try {
    // One process migrates and seeds first; the second finds it done.
    processes.push(await startProcess(PORTS[0] as number, url));
    processes.push(await startProcess(PORTS[1] as number, url));

    const received = new Map<number, { slug: string; ids: Set<number> }>();
    for (let f = 0; f < FOLLOWERS; f += 1) {
      const slug = SLUGS[f % SLUGS.length] as string;
      const socket: Socket<ServerEvents, ClientEvents> = io(`http://127.0.0.1:${PORTS[f % PORTS.length]}`, {
        transports: ['websocket'],
        forceNew: true,
        extraHeaders: { 'X-Forwarded-For': `172.16.${(f >> 8) & 255}.${f & 255}` },
      });
      const seen = { slug, ids: new Set<number>() };
      received.set(f, seen);
      let latest = 0;
      socket.on('connect', () => socket.emit('follow', { slug, after: latest }));
      socket.on('comment:new', (comment) => {
        seen.ids.add(comment.id);
        latest = Math.max(latest, comment.id);
      });
      sockets.push(socket);
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));

    const outcome: Outcome = { accepted: [], refused: new Map(), serverErrors: 0, networkErrors: 0 };
    const started = Date.now();
    await Promise.all(Array.from({ length: POSTERS }, (_, n) => poster(n, started + SECONDS * 1000, outcome)));
    const elapsed = (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 3000));

    const stored = await withAdminOn(url, async (client) => {
      const { rows } = await client.query<{ id: number }>('select id from comments');
      return new Set(rows.map((row) => row.id));
    });
    const lost = outcome.accepted.filter((comment) => !stored.has(comment.id)).length;
    let missingLive = 0;
    for (const { slug, ids } of received.values()) {
      for (const comment of outcome.accepted) {
        if (comment.slug === slug && comment.status === 'approved' && !ids.has(comment.id)) missingLive += 1;
      }
    }
    const report = {
      processes: PORTS.length,
      posters: POSTERS,
      followers: FOLLOWERS,
      seconds: +elapsed.toFixed(1),
      accepted: outcome.accepted.length,
      acceptedPerSecond: +(outcome.accepted.length / elapsed).toFixed(1),
      held: outcome.accepted.filter((c) => c.status !== 'approved').length,
      rejected: Object.fromEntries([...outcome.refused].sort((a, b) => b[1] - a[1])),
      serverErrors5xx: outcome.serverErrors,
      networkErrors: outcome.networkErrors,
      lost,
      liveEventsMissingAtFollowers: missingLive,
      liveEventsExpected: [...received.values()].reduce(
        (sum, { slug }) => sum + outcome.accepted.filter((c) => c.slug === slug && c.status === 'approved').length,
        0,
      ),
    };
    console.log(JSON.stringify(report, null, 2));
    if (report.serverErrors5xx > 0 || report.lost > 0 || report.liveEventsMissingAtFollowers > 0) process.exitCode = 1;
  } finally {
    for (const socket of sockets) socket.disconnect();
    for (const child of processes) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await withAdmin((client) => client.query(`drop database if exists ${name} with (force)`));
  }
}

async function withAdminOn<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
