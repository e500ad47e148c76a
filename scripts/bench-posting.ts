import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { questionPath } from '../src/questions/question.js';
import {
  createBenchDatabase,
  dropBenchDatabase,
  formSession,
  postingForm,
  startBenchServer,
  stopBenchServer,
} from './bench-server.js';

/**
 * `npm run bench:posting -- [--posts 1500] [--connections 10,50] [--runs 3]`: the posting
 * rate alone, as `npm run bench`'s posting case measures it (one browser posting the
 * real form, captcha and limits off) but by a fixed number of posts, on a fresh
 * database for every run, with the CPU each post cost the server process (and, on a
 * database server, PostgreSQL's processes). To compare two commits, run it on each
 * (a `git worktree` of the other, built), alternating: this machine's run-to-run noise
 * is ±15%, so one run of each says little. Prints figures; writes nothing.
 */
const options = z
  .object({
    posts: z.coerce.number().int().min(100).max(100_000).default(1_500),
    connections: z
      .string()
      .default('10,50')
      .transform((list) => list.split(',').map(Number))
      .pipe(z.array(z.number().int().min(1).max(500)).min(1)),
    runs: z.coerce.number().int().min(1).max(50).default(3),
  })
  .safeParse(
    parseArgs({ options: { posts: { type: 'string' }, connections: { type: 'string' }, runs: { type: 'string' } } })
      .values,
  );
if (!options.success) {
  console.error('Usage: npm run bench:posting -- [--posts <100-100000>] [--connections 10,50] [--runs <1-50>]');
  process.exit(2);
}
const { posts, connections, runs } = options.data;
const WARM_UP_POSTS = 100;
const serverUrl = process.env.DATABASE_URL;
const TICKS_PER_SECOND = 100;

console.log(
  `Posting ${posts} comments a run after ${WARM_UP_POSTS} to warm up, ${serverUrl ? 'PostgreSQL server' : 'embedded database'}:`,
);
console.log('run  conns  posts/s  server CPU ms/post  PostgreSQL CPU ms/post');
for (let run = 1; run <= runs; run += 1) {
  for (const connectionCount of connections) {
    const result = await measure(connectionCount);
    console.log(
      [
        String(run).padEnd(3),
        String(connectionCount).padStart(5),
        result.postsPerSecond.toFixed(1).padStart(8),
        result.serverCpuMs.toFixed(2).padStart(19),
        (result.databaseCpuMs === null ? '' : result.databaseCpuMs.toFixed(2)).padStart(23),
      ].join('  '),
    );
  }
}

async function measure(connectionCount: number) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'oq-bench-posting-'));
  const database = serverUrl ? await createBenchDatabase(serverUrl) : undefined;
  let server: ChildProcess | undefined;
  try {
    const forum = await startBenchServer(dataDir, database?.url);
    server = forum.process;
    const slug = await firstQuestion(forum.url);
    const session = await formSession(forum.url, slug);
    await post(forum.url, slug, session, WARM_UP_POSTS, connectionCount);
    const cpuBefore = { server: cpuTicks([forum.process.pid as number]), database: databaseTicks() };
    const started = performance.now();
    await post(forum.url, slug, session, posts, connectionCount);
    const seconds = (performance.now() - started) / 1000;
    const serverTicks = cpuTicks([forum.process.pid as number]) - cpuBefore.server;
    const postgresTicks = serverUrl ? databaseTicks() - cpuBefore.database : null;
    const perPost = (ticks: number) => (ticks / TICKS_PER_SECOND / posts) * 1000;
    return {
      postsPerSecond: posts / seconds,
      serverCpuMs: perPost(serverTicks),
      databaseCpuMs: postgresTicks === null ? null : perPost(postgresTicks),
    };
  } finally {
    await stopBenchServer(server);
    if (database && serverUrl) await dropBenchDatabase(serverUrl, database.name);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The first question of the seeded post: it starts empty, and every run posts into it. */
async function firstQuestion(url: string): Promise<string> {
  const list = (await (await fetch(`${url}/api/questions`)).json()) as { questions: { slug: string }[] };
  const slug = list.questions[0]?.slug;
  if (!slug) throw new Error('The seeded forum has no question');
  return slug;
}

/** `count` form posts through `connectionCount` connections at once; any answer but 303 stops the bench. */
async function post(
  url: string,
  slug: string,
  session: { cookie: string; csrf: string },
  count: number,
  connectionCount: number,
) {
  const body = postingForm(session);
  let sent = 0;
  const connection = async () => {
    while (sent < count) {
      sent += 1;
      const response = await fetch(`${url}${questionPath(slug)}/comments`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
        redirect: 'manual',
      });
      await response.arrayBuffer();
      if (response.status !== 303) throw new Error(`A post was answered ${response.status}, not 303`);
    }
  };
  await Promise.all(Array.from({ length: connectionCount }, connection));
}

/** CPU time (user + system, in clock ticks) of these processes, from /proc (Linux). */
function cpuTicks(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      total += Number(fields[11]) + Number(fields[12]);
    } catch {
      // A process that has ended since it was listed.
    }
  }
  return total;
}

/** CPU ticks of every PostgreSQL process on this machine (its server runs here). */
function databaseTicks(): number {
  const pids = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    });
  return cpuTicks(pids);
}
