import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { seedFakeThread } from '../src/comments/seed-fake-thread.js';
import { connectDatabase } from '../src/db/connect.js';
import type { DB } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { seedFakeForum } from '../src/posts/seed-fake-forum.js';
import { questionPath } from '../src/questions/question.js';
import { listQuestionsWithCounts } from '../src/questions/question.repository.js';
import { seedPosts } from '../src/seed.js';
import {
  type BenchRun,
  type CaseResult,
  consoleTable,
  type DatabaseKind,
  type Machine,
  withLatestRun,
} from './bench-report.js';
import {
  createBenchDatabase,
  dropBenchDatabase,
  formSession,
  postingForm,
  startBenchServer,
  stopBenchServer,
} from './bench-server.js';

/**
 * `npm run bench`: the built forum (dist/src/main.js) in a child process on a fresh
 * database, loaded with autocannon case by case (issue 6): a static file as the limit,
 * /healthz, thread pages of 100, 1,000 and 10,000 comments, the front page, search
 * over 100,000 comments (issue 15), and posting. With `--forum 500,5000,100000` it adds
 * that many made-up posts, questions and comments first, and measures the front page
 * index, /questions and a post page at that size, also as a returning reader whose marks
 * are merged in (issue 17).
 * With DATABASE_URL a new database is made on that server and dropped afterwards;
 * without, an embedded one lives in a temporary folder. Results go to
 * docs/bench/latest.json and docs/PERFORMANCE.md. Not a test: the figures depend on
 * the machine.
 */
const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10,50' },
    // Many posts (issue 17): made-up posts, questions and comments besides the seed post.
    forum: { type: 'string' },
  },
});
const SECONDS = Number(args.duration);
const CONNECTIONS = args.connections.split(',').map(Number);
const FORUM = args.forum?.split(',').map(Number);
if (
  !(SECONDS > 0) ||
  CONNECTIONS.some((n) => !(n > 0)) ||
  (FORUM && (FORUM.length !== 3 || FORUM.some((n) => !Number.isInteger(n) || n < 0) || !(FORUM[0] && FORUM[0] > 0)))
) {
  console.error(
    'Usage: npm run bench -- [--duration <seconds per case>] [--connections 10,50] [--forum <posts>,<questions>,<comments>]',
  );
  process.exit(2);
}
/** A browser that has opened many questions: its marks are merged into every list it reads. */
const RETURNING_READER = 'bench-returning-reader-0001';
const WARM_UP_SECONDS = 1;
const THREAD_SIZES = [100, 1_000, 10_000] as const;
/**
 * Comments in the whole database for the search cases (issue 15: p99 under 50 ms over
 * 100,000 comments): a fifth question takes what the three threads leave.
 */
const SEARCH_CORPUS = 100_000;
const SEARCHES = [
  // About one fake comment in ten has the word: thousands of matches to rank.
  { label: 'a common word', q: 'treaty' },
  { label: 'a phrase and an exclusion', q: '"information space" -sovereignty' },
  { label: 'a word nobody wrote', q: 'zeppelin' },
] as const;
const SEED_DIR = path.join(PROJECT_ROOT, 'seed');
const DOCS = path.join(PROJECT_ROOT, 'docs');

interface BenchCase {
  name: string;
  path: string;
  method: 'GET' | 'POST';
  expectedStatus: number;
  body?: string;
  headers?: Record<string, string>;
  /** A different path for each request (path is the first): to measure what is not kept. */
  nextPath?: () => string;
}

const started = performance.now();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'oq-bench-'));
const serverUrl = process.env.DATABASE_URL;
const kind: DatabaseKind = serverUrl ? 'server' : 'embedded';
const benchDatabase = serverUrl ? await createBenchDatabase(serverUrl) : undefined;
let server: ChildProcess | undefined;
try {
  const { slugs, databaseVersion } = await prepareDatabase();
  const forum = await startBenchServer(dataDir, benchDatabase?.url);
  server = forum.process;
  const cases = benchCases(slugs, await formSession(forum.url, slugs.posting));
  const sizes = await measureSizes(forum.url, slugs.threads[0] as string);
  const results: CaseResult[] = [];
  for (const benchCase of cases) {
    const commentsShown =
      benchCase.method === 'GET' && benchCase.path.startsWith('/questions/')
        ? ((await download(forum.url + benchCase.path)).toString().match(/id="comment-\d+"/g)?.length ?? 0)
        : undefined;
    await load(forum.url, benchCase, 10, WARM_UP_SECONDS);
    for (const connections of CONNECTIONS) {
      await settle(forum.url);
      const result = await load(forum.url, benchCase, connections, SECONDS);
      const limit =
        benchCase === cases[0]
          ? result.requests.average
          : results.find((r) => r.path === cases[0]?.path && r.connections === connections)?.requestsPerSecond;
      results.push(summarise(benchCase, connections, result, limit ?? null, commentsShown));
      console.log(`  ${benchCase.name}, ${connections} connections: ${Math.round(result.requests.average)} req/s`);
    }
  }
  // Stopping while the server still answers queued posts would close the database under them.
  await settle(forum.url);
  const run: BenchRun = {
    date: new Date().toISOString(),
    database: kind,
    machine: describeMachine(databaseVersion),
    secondsPerCase: SECONDS,
    connections: CONNECTIONS,
    sizes,
    cases: results,
  };
  console.log(`\n${consoleTable(run)}\n`);
  writeResults(run);
  if (results.some((r) => r.unexpected > 0)) {
    console.error('Some responses were not what the case expects: the figures above measure errors too.');
    process.exitCode = 1;
  }
} finally {
  await stopBenchServer(server);
  if (benchDatabase && serverUrl) await dropBenchDatabase(serverUrl, benchDatabase.name);
  rmSync(dataDir, { recursive: true, force: true });
  console.log(`Bench finished in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
}

/**
 * Migrates, imports the seed post and fills three of its questions with 100, 1,000 and
 * 10,000 made-up comments, before the server starts (an embedded database belongs to
 * one process at a time). A fourth question takes the posted comments.
 */
async function prepareDatabase() {
  const database = await connectDatabase({ databaseUrl: benchDatabase?.url, dataDir });
  try {
    await migrateToLatest(database.db);
    await seedPosts(database.db, SEED_DIR);
    const questions = await listQuestionsWithCounts(database.db);
    if (questions.length < THREAD_SIZES.length + 2) throw new Error(`The seed has only ${questions.length} questions`);
    for (const [index, size] of THREAD_SIZES.entries()) {
      const question = questions[index] as (typeof questions)[number];
      const seeding = performance.now();
      await seedFakeThread(database.db, question.id, { count: size, maxDepth: 5 });
      const seconds = ((performance.now() - seeding) / 1000).toFixed(1);
      console.log(`Seeded ${size.toLocaleString('en-GB')} comments under /questions/${question.slug} in ${seconds} s`);
    }
    const searchQuestion = questions[THREAD_SIZES.length + 1] as (typeof questions)[number];
    const rest = SEARCH_CORPUS - THREAD_SIZES.reduce((sum, size) => sum + size, 0);
    const seeding = performance.now();
    await seedFakeThread(database.db, searchQuestion.id, {
      count: rest,
      maxDepth: 5,
      onProgress: (stored, total) => {
        if (stored % 20_000 === 0 || stored === total)
          console.log(`  ${stored.toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')}`);
      },
    });
    const seconds = ((performance.now() - seeding) / 1000).toFixed(1);
    console.log(
      `Seeded ${rest.toLocaleString('en-GB')} more comments (for search) under /questions/${searchQuestion.slug} in ${seconds} s`,
    );
    if (FORUM) {
      const [posts, questionCount, comments] = FORUM as [number, number, number];
      const seeding = performance.now();
      await seedFakeForum(database.db, { posts, questions: questionCount, comments, maxDepth: 5 });
      const seconds = ((performance.now() - seeding) / 1000).toFixed(1);
      const say = (n: number) => n.toLocaleString('en-GB');
      console.log(
        `Seeded ${say(posts)} posts, ${say(questionCount)} questions, ${say(comments)} comments in ${seconds} s`,
      );
      await markReturningReader(database.db);
    }
    // Fresh statistics, as a server's autovacuum would have them after such an insert.
    await sql`vacuum analyze`.execute(database.db);
    const { rows } = await sql<{ version: string }>`select version()`.execute(database.db);
    return {
      slugs: {
        threads: THREAD_SIZES.map((_, index) => questions[index]?.slug as string),
        posting: questions[THREAD_SIZES.length]?.slug as string,
      },
      databaseVersion: /PostgreSQL [\d.]+/.exec(rows[0]?.version ?? '')?.[0] ?? 'PostgreSQL',
    };
  } finally {
    await database.close();
  }
}

/**
 * The returning reader has seen, a few answers ago, the questions on the front page's
 * first page and the 300 most recently active: every list it reads has "N new" to count.
 */
async function markReturningReader(db: DB) {
  const newestPosts = db.selectFrom('posts').select('id').orderBy(sql`published_on desc nulls last`).limit(11);
  const rows = await db
    .selectFrom('questions')
    .select(['id', 'last_answer_id'])
    .where('last_answer_id', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('post_id', 'in', newestPosts),
        eb(
          'id',
          'in',
          eb.selectFrom('questions').select('id').orderBy(sql`coalesce(last_answer_at, created_at)`, 'desc').limit(300),
        ),
      ]),
    )
    .execute();
  const marks = Object.fromEntries(rows.map((row) => [String(row.id), Math.max(0, (row.last_answer_id ?? 0) - 3)]));
  await db
    .insertInto('reader_marks')
    .values({ visitor_id: RETURNING_READER, marks: JSON.stringify(marks) })
    .execute();
}

function benchCases(
  slugs: { threads: string[]; posting: string },
  session: { cookie: string; csrf: string },
): BenchCase[] {
  return [
    // The static file comes first: every other case is compared with it.
    { name: '(a) static /css/site.css', path: '/css/site.css', method: 'GET', expectedStatus: 200 },
    { name: '(b) /healthz', path: '/healthz', method: 'GET', expectedStatus: 200 },
    ...THREAD_SIZES.map((size, index) => ({
      name: `(c) thread, ${size.toLocaleString('en-GB')} comments`,
      path: questionPath(slugs.threads[index] as string),
      method: 'GET' as const,
      expectedStatus: 200,
    })),
    // As browsers ask for them: every browser sends Accept-Encoding.
    ...THREAD_SIZES.map((size, index) => ({
      name: `(c) thread, ${size.toLocaleString('en-GB')} comments, gzip`,
      path: questionPath(slugs.threads[index] as string),
      method: 'GET' as const,
      expectedStatus: 200,
      headers: { 'accept-encoding': 'gzip' },
    })),
    { name: '(d) front page /', path: '/', method: 'GET', expectedStatus: 200 },
    ...SEARCHES.map(({ label, q }) => ({
      name: `(f) search, ${SEARCH_CORPUS.toLocaleString('en-GB')} comments: ${label}`,
      path: `/search?${new URLSearchParams({ q })}`,
      method: 'GET' as const,
      expectedStatus: 200,
    })),
    // Searches are kept until a change could alter them: each request here excludes a
    // word nobody wrote, so it finds what the search finds but is never kept.
    ...SEARCHES.slice(0, 2).map(({ label, q }) => ({
      name: `(f) search, ${SEARCH_CORPUS.toLocaleString('en-GB')} comments: ${label}, never kept`,
      path: searchNeverKept(q, 0),
      method: 'GET' as const,
      expectedStatus: 200,
      nextPath: (() => {
        let n = 0;
        return () => {
          n += 1;
          return searchNeverKept(q, n);
        };
      })(),
    })),
    {
      name: `(f) /api/search, ${SEARCH_CORPUS.toLocaleString('en-GB')} comments: ${SEARCHES[0].label}`,
      path: `/api/search?${new URLSearchParams({ q: SEARCHES[0].q })}`,
      method: 'GET',
      expectedStatus: 200,
    },
    ...(FORUM
      ? [
          { name: '(f) all questions /questions', path: '/questions', method: 'GET' as const, expectedStatus: 200 },
          {
            name: '(f) /questions?sort=answers&page=50',
            path: '/questions?sort=answers&page=50',
            method: 'GET' as const,
            expectedStatus: 200,
          },
          { name: '(f) a post page', path: '/posts/fake-post-2', method: 'GET' as const, expectedStatus: 200 },
          {
            name: '(f) front page /, returning reader',
            path: '/',
            method: 'GET' as const,
            expectedStatus: 200,
            headers: { cookie: `oq_visitor=${RETURNING_READER}` },
          },
          {
            name: '(f) /questions, returning reader',
            path: '/questions',
            method: 'GET' as const,
            expectedStatus: 200,
            headers: { cookie: `oq_visitor=${RETURNING_READER}` },
          },
        ]
      : []),
    // Last, since it adds comments. A browser's form post: same origin (no Origin header),
    // its cookies and CSRF token, no captcha.
    {
      name: '(e) post a comment',
      path: `${questionPath(slugs.posting)}/comments`,
      method: 'POST',
      expectedStatus: 303,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
      body: postingForm(session),
    },
  ];
}

/** A search that no kept search matches: it excludes word `n`, which nobody wrote. */
function searchNeverKept(q: string, n: number): string {
  return `/search?${new URLSearchParams({ q: `${q} -nobody${n}` })}`;
}

/**
 * Waits until the server has worked off what the last case left queued (autocannon stops
 * sending at the deadline, but the server still answers every request it has taken), so
 * that each case starts on an idle server: /healthz must answer quickly.
 */
async function settle(url: string) {
  const IDLE_MS = 50;
  const GIVE_UP_AFTER_MS = 120_000;
  const since = performance.now();
  while (performance.now() - since < GIVE_UP_AFTER_MS) {
    const asked = performance.now();
    await download(`${url}/healthz`);
    if (performance.now() - asked < IDLE_MS) return;
  }
  throw new Error('The server stayed busy for two minutes after a case');
}

function load(url: string, benchCase: BenchCase, connections: number, duration: number) {
  const { nextPath } = benchCase;
  return autocannon({
    url: url + benchCase.path,
    method: benchCase.method,
    headers: benchCase.headers,
    body: benchCase.body,
    connections,
    duration,
    ...(nextPath ? { requests: [{ setupRequest: (request) => ({ ...request, path: nextPath() }) }] } : {}),
  });
}

function summarise(
  benchCase: BenchCase,
  connections: number,
  result: autocannon.Result,
  limitPerSecond: number | null,
  commentsShown: number | undefined,
): CaseResult {
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats.count ?? 0]),
  );
  const expected = statuses[String(benchCase.expectedStatus)] ?? 0;
  const answered = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  return {
    name: benchCase.name,
    method: benchCase.method,
    path: benchCase.path,
    connections,
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    averageBytes: answered > 0 ? result.throughput.total / answered : 0,
    ratioToStatic: limitPerSecond ? result.requests.average / limitPerSecond : null,
    statuses,
    unexpected: answered - expected,
    errors: result.errors,
    ...(commentsShown === undefined ? {} : { commentsShown }),
  };
}

/** A response body as sent: compressed when gzip is asked for, since autocannon never asks. */
function download(url: string, options: { gzip?: boolean } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: options.gzip ? { 'accept-encoding': 'gzip' } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      })
      .on('error', reject);
  });
}

async function measureSizes(url: string, thread100Slug: string) {
  const thread = url + questionPath(thread100Slug);
  const css = `${url}/css/site.css`;
  return {
    thread100: { raw: (await download(thread)).length, gzip: (await download(thread, { gzip: true })).length },
    css: { raw: (await download(css)).length, gzip: (await download(css, { gzip: true })).length },
  };
}

function describeMachine(databaseVersion: string): Machine {
  const pgliteVersion = () =>
    JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8'))
      .version as string;
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    memoryGiB: os.totalmem() / 1024 ** 3,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    database:
      kind === 'embedded'
        ? `${databaseVersion} embedded (PGlite ${pgliteVersion()}, in the server process)`
        : `${databaseVersion} server on ${new URL(serverUrl as string).host}`,
  };
}

/** docs/bench/latest.json keeps the latest run of each database; docs/PERFORMANCE.md shows them. */
function writeResults(run: BenchRun) {
  const jsonFile = path.join(DOCS, 'bench', 'latest.json');
  mkdirSync(path.dirname(jsonFile), { recursive: true });
  const previous = existsSync(jsonFile) ? JSON.parse(readFileSync(jsonFile, 'utf8')) : {};
  writeFileSync(jsonFile, `${JSON.stringify({ ...previous, [run.database]: run }, null, 2)}\n`);
  const markdownFile = path.join(DOCS, 'PERFORMANCE.md');
  writeFileSync(markdownFile, withLatestRun(readFileSync(markdownFile, 'utf8'), run));
  console.log(`Wrote ${path.relative(PROJECT_ROOT, jsonFile)} and ${path.relative(PROJECT_ROOT, markdownFile)}.`);
}
