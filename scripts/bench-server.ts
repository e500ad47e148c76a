import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { connectServer } from '../src/db/connect.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { questionPath } from '../src/questions/question.js';

/** What the benches share: a database of their own, the built server, a browser's form session. */

const SEED_DIR = path.join(PROJECT_ROOT, 'seed');

/** A database of its own on the server, so that the bench never touches real data. */
export async function createBenchDatabase(url: string) {
  const name = `open_questions_bench_${randomBytes(4).toString('hex')}`;
  const admin = connectServer(url, 1);
  try {
    await admin.pool?.query(`create database ${name}`);
  } finally {
    await admin.close();
  }
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return { name, url: parsed.toString() };
}

export async function dropBenchDatabase(url: string, name: string) {
  const admin = connectServer(url, 1);
  try {
    await admin.pool?.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.close();
  }
}

/**
 * What a browser holds after loading the form: its cookies and the form's CSRF token.
 * The bench posts as that one browser (the token stays valid for its cookies).
 */
export async function formSession(baseUrl: string, slug: string): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`${baseUrl}${questionPath(slug)}`);
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]*)"/.exec(await response.text())?.[1] ?? '';
  return { cookie, csrf };
}

/** The built server, as `npm start` runs it, on a free port; resolves once it listens. */
export function startBenchServer(
  dataDir: string,
  databaseUrl?: string,
): Promise<{ process: ChildProcess; url: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Not production: BENCH_DISABLE_CAPTCHA is refused there.
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    SEED_DIR,
    // Request logs would measure the pipe to this process as much as the forum.
    LOG_LEVEL: 'warn',
    BENCH_DISABLE_CAPTCHA: 'true',
    CAPTCHA_MIN_SECONDS: '0',
    // One client posts thousands of comments: the rate limits would measure refusals.
    RATE_LIMIT_COMMENTS_PER_IP: '1000000',
    MODERATION_FLOOD_SECONDS: '0',
    MODERATION_DUPLICATE_CHECK: 'false',
    RATE_LIMIT_COMMENTS_PER_EMAIL: '1000000',
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'main.js')], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    let listening = false;
    const collect = (chunk: Buffer) => {
      // Once it listens, whatever the server says (warnings, errors) is passed on as it comes.
      if (listening) {
        process.stderr.write(chunk);
        return;
      }
      output += chunk.toString();
      const url = /running on (http:\/\/\S+)/.exec(output)?.[1];
      if (!url) return;
      listening = true;
      resolve({ process: child, url: url.replace('localhost', '127.0.0.1') });
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => reject(new Error(`The server stopped (exit ${code}) before listening:\n${output}`)));
  });
}

export async function stopBenchServer(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** The comment every bench post sends: a browser's form, with its CSRF token, no captcha. */
export function postingForm(session: { csrf: string }): string {
  return new URLSearchParams({
    _csrf: session.csrf,
    author: 'Bench Mark',
    email: 'bench@example.org',
    body: 'A comment posted by the benchmark.\n\nIt has <em>two</em> paragraphs.',
  }).toString();
}
