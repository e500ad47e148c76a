/**
 * `npm run bench:reconnect -- [--followers 1000] [--away 200] [--changes 100]`: N
 * Socket.IO followers on one question, each keeping its own copy of the thread from
 * the live events; `away` of them disconnect; `changes` changes of every kind are made
 * (answers posted, held answers approved, answers edited and trashed by a moderator);
 * the disconnected followers reconnect with the `since` they had. Prints how long the
 * catch-up took and how many followers' copies differ from the server's thread (must be
 * 0). Runs the production build as a child process, on the embedded database (or
 * DATABASE_URL, when set). A measuring tool, not a test.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import type { ClientEvents, LiveComment, ServerEvents } from '../src/live/socket-contract.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { solveCaptcha } from './solve-captcha.js';

const { values } = parseArgs({
  options: {
    followers: { type: 'string', default: '1000' },
    away: { type: 'string', default: '200' },
    changes: { type: 'string', default: '100' },
    port: { type: 'string', default: '3412' },
    slug: { type: 'string', default: 'what-is-this-code-of-conduct-really-about' },
  },
});
const followerCount = Number(values.followers);
const awayCount = Number(values.away);
const changeCount = Number(values.changes);
const base = `http://127.0.0.1:${values.port}`;
const slug = values.slug as string;
const MODERATOR = { email: 'bench-mod@example.org', password: 'a bench moderator password' };
const dataDir = mkdtempSync(path.join(tmpdir(), 'oq-bench-reconnect-'));
const environment = {
  ...process.env,
  NODE_ENV: 'development',
  PORT: values.port,
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  CAPTCHA_MIN_SECONDS: '0',
  MODERATION_LINK_LIMIT: '0',
  MODERATION_WORDS: 'holdme',
  MODERATION_FLOOD_SECONDS: '0',
  MODERATION_DUPLICATE_CHECK: 'false',
  RATE_LIMIT_COMMENTS_PER_IP: '1000000',
  RATE_LIMIT_COMMENTS_PER_EMAIL: '1000000',
  RATE_LIMIT_LIVE_EVENTS_PER_IP: '1000000',
  LIVE_EVENTS_PER_SECOND: '1000',
  LOG_LEVEL: 'warn',
  MODERATOR_PASSWORD: MODERATOR.password,
};

type Follower = {
  socket: Socket<ServerEvents, ClientEvents>;
  thread: Map<number, string>;
  since: number;
  last: number;
};
/** What a follower compares: the comment's text, not its relative time. */
const prose = (html: string) => /<div class="prose">[\s\S]*?<\/div>/.exec(html)?.[0] ?? html;

async function waitForHealth(): Promise<void> {
  for (let i = 0; i < 240; i += 1) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('The server did not become healthy');
}

function cookiesOf(response: Response, jar = new Map<string, string>()) {
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const [name, ...rest] = (pair as string).split('=');
    jar.set(name as string, rest.join('='));
  }
  return jar;
}
const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

async function postAnswer(n: number, body: string): Promise<number> {
  const page = await fetch(`${base}/questions/${slug}`);
  const jar = cookiesOf(page);
  const html = await page.text();
  const form = new URLSearchParams({
    author: `Bench ${n}`,
    email: `bench${n}@example.org`,
    body,
    captcha_answer: String(solveCaptcha(/<label for="captcha_answer">([^<]*)<\/label>/.exec(html)?.[1] ?? '')),
    captcha_token: /name="captcha_token" value="([^"]*)"/.exec(html)?.[1] ?? '',
    _csrf: /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? '',
  });
  const response = await fetch(`${base}/questions/${slug}/comments`, {
    method: 'POST',
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/x-www-form-urlencoded',
      Cookie: cookieHeader(jar),
    },
    body: form,
  });
  if (response.status !== 201) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { id: number }).id;
}

async function signInModerator() {
  const jar = new Map<string, string>();
  const login = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(MODERATOR),
  });
  cookiesOf(login, jar);
  const page = await fetch(`${base}/mod`, { headers: { Cookie: cookieHeader(jar) } });
  cookiesOf(page, jar);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  return async (url: string, fields: Record<string, string> = {}) => {
    const response = await fetch(`${base}${url}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookieHeader(jar) },
      body: new URLSearchParams({ _csrf: csrf, ...fields }),
    });
    if (response.status !== 303) throw new Error(`${url} answered ${response.status}`);
  };
}

/** The server's thread as the API gives it: every approved comment, by id. */
async function serverThread(): Promise<Map<number, string>> {
  const thread = new Map<number, string>();
  let after = 0;
  for (;;) {
    const response = await fetch(`${base}/api/questions/${slug}/comments?after=${after}`);
    const page = (await response.json()) as { comments: { id: number; html: string }[]; has_more: boolean };
    for (const comment of page.comments) thread.set(comment.id, prose(comment.html));
    if (!page.has_more || page.comments.length === 0) return thread;
    after = page.comments.at(-1)?.id ?? after;
  }
}

function connect(follower: Omit<Follower, 'socket'> & { socket?: Follower['socket'] }): Follower {
  const socket: Follower['socket'] = io(base, { transports: ['websocket'], forceNew: true, reconnection: false });
  const apply = (seq: number) => {
    follower.since = Math.max(follower.since, seq);
    follower.last = performance.now();
  };
  socket.on('comment:new', (c: LiveComment) => {
    follower.thread.set(c.id, prose(c.html));
    apply(c.seq);
  });
  socket.on('comment:update', (c: LiveComment) => {
    if (follower.thread.has(c.id)) follower.thread.set(c.id, prose(c.html));
    apply(c.seq);
  });
  socket.on('comment:remove', ({ id, seq }) => {
    follower.thread.delete(id);
    apply(seq);
  });
  socket.on('resync', () => {
    follower.since = -1; // marks a follower that would reload its page
  });
  return Object.assign(follower, { socket }) as Follower;
}

function follow(follower: Follower): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const go = () =>
      follower.socket
        .timeout(60_000)
        .emit('follow', { slug, since: follower.since }, (error) => (error ? reject(error) : resolve()));
    if (follower.socket.connected) go();
    else follower.socket.once('connect', go);
  });
}

async function main(): Promise<void> {
  execFileSync(
    process.execPath,
    ['dist/scripts/moderator.js', 'add', '--email', MODERATOR.email, '--name', 'Bench Mod'],
    {
      cwd: PROJECT_ROOT,
      env: environment,
      stdio: 'ignore',
    },
  );
  const server: ChildProcess = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: PROJECT_ROOT,
    env: environment,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitForHealth();
    const moderate = await signInModerator();
    const seedIds: number[] = [];
    for (let n = 0; n < 60; n += 1) seedIds.push(await postAnswer(n, `Seed answer ${n}.`));
    const held: number[] = [];
    for (let n = 0; n < Math.round(changeCount * 0.1); n += 1) held.push(await postAnswer(1000 + n, `holdme ${n}`));

    const page = await (await fetch(`${base}/questions/${slug}`)).text();
    const since = Number(/data-since="(\d+)"/.exec(page)?.[1] ?? 0);
    const start = await serverThread();
    const followers: Follower[] = [];
    for (let i = 0; i < followerCount; i += 1) {
      followers.push(connect({ thread: new Map(start), since, last: 0 }));
    }
    await Promise.all(followers.map(follow));

    const away = followers.slice(0, awayCount);
    for (const follower of away) follower.socket.disconnect();

    // The changes: a tenth approvals of held answers, then posts, edits and removals in turn.
    const kinds = ['post', 'edit', 'trash'] as const;
    let made = 0;
    for (const id of held) {
      await moderate(`/mod/comments/${id}/approve`);
      made += 1;
    }
    const editable = [...seedIds];
    for (let n = 0; made < changeCount; n += 1, made += 1) {
      const kind = kinds[n % kinds.length];
      if (kind === 'post') editable.push(await postAnswer(2000 + n, `Posted while some were away ${n}.`));
      if (kind === 'edit') {
        const id = editable[n % editable.length] as number;
        await moderate(`/mod/comments/${id}/edit`, {
          author: 'Edited Author',
          email: 'edited@example.org',
          url: '',
          body: `Edited while some were away (${n}).`,
        });
      }
      if (kind === 'trash') {
        const id = editable.splice(n % editable.length, 1)[0] as number;
        await moderate(`/mod/comments/${id}/trash`);
      }
    }
    // The followers still connected have it all live; give them a moment.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const reconnectStart = performance.now();
    for (const follower of away) connect(follower);
    await Promise.all(away.map(follow));
    // Catch-up events follow the acknowledgement closely; wait for quiet.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const caughtUpMs = Math.max(...away.map((follower) => follower.last)) - reconnectStart;

    const final = await serverThread();
    const same = (thread: Map<number, string>) =>
      thread.size === final.size && [...final].every(([id, html]) => thread.get(id) === html);
    const mismatches = followers.filter((follower) => !same(follower.thread)).length;
    const resyncs = followers.filter((follower) => follower.since === -1).length;
    for (const follower of followers) follower.socket.disconnect();

    console.log(
      JSON.stringify(
        {
          followers: followerCount,
          disconnected: awayCount,
          changes: made,
          threadSize: final.size,
          catchUpAllMs: +caughtUpMs.toFixed(1),
          mismatches,
          resyncs,
          database: process.env.DATABASE_URL ? 'PostgreSQL server' : 'embedded (PGlite)',
          node: process.version,
        },
        null,
        2,
      ),
    );
    if (mismatches > 0) process.exitCode = 1;
  } finally {
    server.kill('SIGTERM');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
