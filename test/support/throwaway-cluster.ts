import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './process.js';

const BIN = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'].find((dir) =>
  existsSync(path.join(dir, 'initdb')),
);

/** A PostgreSQL cluster of the test's own, which it may stop and start at will. */
export const canRunThrowawayCluster = (): boolean => BIN !== undefined && process.getuid?.() === 0;

export interface ThrowawayCluster {
  url: string;
  stop(): void;
  start(): void;
  destroy(): void;
}

export async function createThrowawayCluster(): Promise<ThrowawayCluster> {
  const bin = BIN as string;
  const dir = mkdtempSync(path.join(tmpdir(), 'oq-cluster-'));
  const data = path.join(dir, 'data');
  const { uid, gid } = userIds('postgres');
  chownSync(dir, uid, gid);
  const port = await freePort();
  // PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
  const asPostgres = (command: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args], { stdio: 'pipe' });
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
    start,
    destroy: () => {
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
    },
  };
}

function userIds(name: string): { uid: number; gid: number } {
  const [uid, gid] = execFileSync('id', ['-u', name])
    .toString()
    .trim()
    .split('\n')
    .concat(execFileSync('id', ['-g', name]).toString().trim());
  return { uid: Number(uid), gid: Number(gid) };
}
