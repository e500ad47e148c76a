import { linkSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * PGlite keeps no lock of its own: two processes opening one data directory both
 * write it and corrupt it. This file in DATA_DIR says which process has it open.
 */
export const LOCK_FILE = 'embedded.lock';

export type LockRole = 'server' | 'command';

export interface LockHolder {
  readonly pid: number;
  readonly role: LockRole;
}

export interface EmbeddedLock {
  release(): void;
}

export class EmbeddedDatabaseInUse extends Error {
  constructor(readonly holder: LockHolder) {
    super(`The embedded database is open in process ${holder.pid} (${holder.role}).`);
  }
}

function isAlive(pid: number): boolean {
  // After a restart in a container the new process often gets the old one's pid:
  // a lock naming this very process was left by a process that is gone.
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof holder.pid !== 'number' || (holder.role !== 'server' && holder.role !== 'command')) return undefined;
    return { pid: holder.pid, role: holder.role };
  } catch {
    return undefined;
  }
}

/** The process that has the embedded database under dataDir open, if one still runs. */
export function liveHolder(dataDir: string): LockHolder | undefined {
  const holder = readHolder(path.join(dataDir, LOCK_FILE));
  return holder && isAlive(holder.pid) ? holder : undefined;
}

/**
 * Takes the lock for this process, taking over one left by a process that died
 * (kill -9, a crash, a power cut); throws EmbeddedDatabaseInUse while its holder runs.
 */
export function takeEmbeddedLock(dataDir: string, role: LockRole): EmbeddedLock {
  const file = path.join(dataDir, LOCK_FILE);
  const draft = `${file}.${process.pid}`;
  writeFileSync(draft, JSON.stringify({ pid: process.pid, role }));
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        // A hard link appears whole or not at all: nobody reads a half-written lock.
        linkSync(draft, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw error;
        const holder = readHolder(file);
        if (holder && isAlive(holder.pid)) throw new EmbeddedDatabaseInUse(holder);
        // Its holder is gone (or it is not a lock we wrote): take it over.
        rmSync(file, { force: true });
      }
    }
  } finally {
    unlinkSync(draft);
  }

  const release = () => {
    process.off('exit', release);
    if (readHolder(file)?.pid !== process.pid) return;
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  };
  // A process that ends without closing the database (an uncaught error) still lets go.
  process.on('exit', release);
  return { release };
}
