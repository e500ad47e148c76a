import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { PROJECT_ROOT } from '../../src/paths.js';
import { TEST_SECRET } from './forum.js';

export interface ForumProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | string>;
  output: () => string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const START_TIMEOUT_MS = 90_000;

/** `npm start` as a real process (the TypeScript run directly), ready when /healthz answers. */
export async function spawnForum(environment: Record<string, string>, port?: number): Promise<ForumProcess> {
  const chosen = port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      SESSION_SECRET: TEST_SECRET,
      CAPTCHA_MIN_SECONDS: '0',
      RATE_LIMIT_COMMENTS_PER_IP: '100000',
      MODERATION_FLOOD_SECONDS: '0',
      MODERATION_DUPLICATE_CHECK: 'false',
      RATE_LIMIT_COMMENTS_PER_EMAIL: '100000',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(chosen),
      ...environment,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const url = `http://127.0.0.1:${chosen}`;
  // Generous: on a shared, loaded machine compiling and migrating can take a minute.
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The forum exited at start:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The forum did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, port: chosen, child, exited, output: () => output };
}
