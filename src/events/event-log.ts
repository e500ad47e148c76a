import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DatabaseHandle } from '../db/connect.js';
import type { Database } from '../db/database.js';
import {
  claimCursor,
  EVENT_CHANNEL,
  ensureCursor,
  insertEvent,
  insertEventAtCommit,
  latestSeq,
  moveCursor,
  pruneBatch,
  readEventsAfter,
} from './event-log.repository.js';
import type { ForumEvent, LoggedEvent } from './forum-event.js';

/** Records an event in the transaction at hand. */
export type RecordEvent = (event: ForumEvent) => Promise<void>;

/**
 * What this process does with the log's events, in seq order. A consumer that returns
 * a promise gets its next batch once that settles; one that returns nothing runs at
 * once, inside the relay (page caches: dropped before the writer's request answers).
 */
export type Consumer = (events: LoggedEvent[]) => void | Promise<void>;

/**
 * A consumer that must see every event exactly once across restarts and processes (the
 * mailer). It runs inside the transaction that moves its cursor: what it writes there
 * commits with the cursor, or neither does.
 */
export type DurableConsumer = (events: LoggedEvent[], tx: Kysely<Database>) => Promise<void>;

export interface EventLogOptions {
  /** How often to read the table even without a notification (a lost LISTEN connection). */
  pollMs?: number;
  /** Events older than this are pruned. */
  retentionDays?: number;
}

/** Events read per query by the relay. */
const READ_BATCH = 500;
/**
 * Durable consumers (the mailer) run at most this often: each run is a transaction
 * that claims a cursor, so under a burst of posts they take the burst as one batch
 * instead of a transaction per post.
 */
const DURABLE_DELAY_MS = 200;
const PRUNE_BATCH = 5_000;
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * The durable log of changes, and this process's relay of it. Services write a change
 * and its event in one transaction (`transaction`); every process learns of new events
 * by LISTEN/NOTIFY (and a slow poll as a safety net), reads them from the table in seq
 * order, and hands them to its consumers: live broadcasts, page caches, the mailer.
 * A process that dies after a commit loses nothing: the others read the row.
 */
export function createEventLog(
  handle: Pick<DatabaseHandle, 'db' | 'listen' | 'kind'>,
  logger: Logger,
  options: EventLogOptions = {},
) {
  const { db } = handle;
  const consumers = new Map<string, { consume: Consumer; busy: Promise<void> | null; queue: LoggedEvent[][] }>();
  const durables = new Map<string, DurableConsumer>();
  /** Durable consumers whose cursor row this process has made sure of. */
  const cursorsReady = new Set<string>();
  /** The newest seq handed to this process's consumers; undefined until started. */
  let cursor: number | undefined;
  let reading: Promise<void> | null = null;
  let again = false;
  const waiters: { seq: number; resolve: () => void }[] = [];
  /** Seqs this process's writers have drawn and not yet handed over (their NOTIFY may come first). */
  const ownInFlight = new Set<number>();
  let stopListening: (() => Promise<void>) | undefined;
  let poll: NodeJS.Timeout | undefined;
  let prune: NodeJS.Timeout | undefined;
  let durableRun: Promise<void> | null = null;
  let durableAgain = false;
  let durableTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  let started: Promise<void> | undefined;

  function deliver(name: string, batch: LoggedEvent[]) {
    const entry = consumers.get(name);
    if (!entry) return;
    if (entry.busy) {
      entry.queue.push(batch);
      return;
    }
    run(name, entry, batch);
  }

  function run(name: string, entry: NonNullable<ReturnType<typeof consumers.get>>, batch: LoggedEvent[]) {
    let result: void | Promise<void>;
    try {
      result = entry.consume(batch);
    } catch (error) {
      logger.warn({ err: error, consumer: name }, 'event consumer failed');
      return;
    }
    if (!(result instanceof Promise)) return;
    entry.busy = result
      .catch((error) => logger.warn({ err: error, consumer: name }, 'event consumer failed'))
      .then(() => {
        entry.busy = null;
        const next = entry.queue.shift();
        if (next) run(name, entry, next);
      });
  }

  async function readNew(): Promise<void> {
    if (cursor === undefined) return;
    for (;;) {
      const read = await readEventsAfter(db, cursor, READ_BATCH);
      // A writer in this process may have handed its own events over meanwhile.
      const batch = read.filter((event) => event.seq > (cursor as number));
      if (batch.length > 0) handOver(batch);
      if (read.length < READ_BATCH) break;
    }
  }

  /** Gives consumers events that follow the cursor, moves it, and wakes who waited for them. */
  function handOver(batch: LoggedEvent[]) {
    const reached = (batch.at(-1) as LoggedEvent).seq;
    cursor = reached;
    for (const name of consumers.keys()) deliver(name, batch);
    scheduleDurables();
    for (let i = waiters.length - 1; i >= 0; i -= 1) {
      const waiter = waiters[i] as (typeof waiters)[number];
      if (waiter.seq <= reached) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  /** Reads what is new; calls that come while a read runs fold into one more read after it. */
  function poke(): Promise<void> {
    if (reading) {
      again = true;
      return reading;
    }
    reading = (async () => {
      try {
        do {
          again = false;
          await readNew();
        } while (again);
      } catch (error) {
        logger.warn({ err: error }, 'event relay: read failed');
      } finally {
        reading = null;
      }
    })();
    return reading;
  }

  /** Resolves once this process's consumers have been handed every event up to seq. */
  function caughtUpTo(seq: number): Promise<void> {
    if (cursor === undefined || seq <= cursor) return Promise.resolve();
    const reached = new Promise<void>((resolve) => waiters.push({ seq, resolve }));
    poke();
    return reached;
  }

  /**
   * Runs `work` in a transaction; the events it records commit with its changes. Once it
   * has committed, this process's consumers have had the events before this resolves:
   * the writer's next page view already shows the change.
   */
  async function transaction<T>(work: (tx: Kysely<Database>, record: RecordEvent) => Promise<T>): Promise<T> {
    return handle.kind === 'server' ? transactionNumberedAtCommit(work) : transactionNumberedAtOnce(work);
  }

  /**
   * On a server, events get their seq at commit (insertEventAtCommit): writers never
   * queue for each other's round trips. After the commit this process reads the log,
   * which now holds them (reads asked for meanwhile fold into one).
   */
  async function transactionNumberedAtCommit<T>(
    work: (tx: Kysely<Database>, record: RecordEvent) => Promise<T>,
  ): Promise<T> {
    let recorded = false;
    const result = await db.transaction().execute((tx) =>
      work(tx, async (event) => {
        await insertEventAtCommit(tx, event);
        recorded = true;
      }),
    );
    if (recorded && cursor !== undefined) await poke();
    return result;
  }

  /**
   * On the embedded database, one transaction runs at a time: the seq is drawn at once,
   * and since seqs commit in order, events that follow what this process has relayed
   * are handed over without reading them back. Otherwise (another writer's events in
   * between, not yet read) it reads up to them.
   */
  async function transactionNumberedAtOnce<T>(
    work: (tx: Kysely<Database>, record: RecordEvent) => Promise<T>,
  ): Promise<T> {
    const recorded: LoggedEvent[] = [];
    let result: T;
    try {
      result = await db.transaction().execute((tx) =>
        work(tx, async (event) => {
          const logged = await insertEvent(tx, event);
          ownInFlight.add(logged.seq);
          recorded.push(logged);
        }),
      );
    } finally {
      for (const event of recorded) ownInFlight.delete(event.seq);
    }
    if (recorded.length === 0) return result;
    if (cursor !== undefined && (recorded[0] as LoggedEvent).seq === cursor + 1) {
      handOver(recorded);
      return result;
    }
    await caughtUpTo((recorded.at(-1) as LoggedEvent).seq);
    return result;
  }

  /** Runs the durable consumers soon, once for whatever has arrived by then. */
  function scheduleDurables() {
    if (durables.size === 0 || cursor === undefined || durableTimer || stopped) return;
    durableTimer = setTimeout(() => {
      durableTimer = undefined;
      pokeDurables();
    }, DURABLE_DELAY_MS);
    durableTimer.unref();
  }

  function pokeDurables() {
    if (durables.size === 0 || cursor === undefined || stopped) return;
    if (durableRun) {
      durableAgain = true;
      return;
    }
    durableRun = (async () => {
      try {
        do {
          durableAgain = false;
          for (const [name, consume] of durables) await runDurable(name, consume);
        } while (durableAgain);
      } catch (error) {
        logger.warn({ err: error }, 'event relay: durable consumer failed');
      } finally {
        durableRun = null;
      }
    })();
  }

  /** One durable consumer through everything new, a batch per transaction. */
  async function runDurable(name: string, consume: DurableConsumer): Promise<void> {
    if (!cursorsReady.has(name)) {
      // A new consumer starts from now: it has no use for the past.
      await ensureCursor(db, name);
      cursorsReady.add(name);
    }
    for (;;) {
      const more = await db.transaction().execute(async (tx) => {
        const from = await claimCursor(tx, name);
        if (from === undefined) return false; // another process has it
        const batch = await readEventsAfter(tx, from, READ_BATCH);
        if (batch.length === 0) return false;
        await consume(batch, tx);
        await moveCursor(tx, name, (batch.at(-1) as LoggedEvent).seq);
        return batch.length === READ_BATCH;
      });
      if (!more) return;
    }
  }

  async function pruneOld(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - (options.retentionDays ?? 7) * 24 * 60 * 60 * 1000);
    let total = 0;
    for (;;) {
      const removed = await pruneBatch(db, before, PRUNE_BATCH);
      total += removed;
      if (removed < PRUNE_BATCH) return total;
    }
  }

  return {
    transaction,
    caughtUpTo,
    poke,
    pruneOld,
    /** Hands every event from now on to `consume`, in order; returns how to stop. */
    subscribe(name: string, consume: Consumer): () => void {
      consumers.set(name, { consume, busy: null, queue: [] });
      return () => consumers.delete(name);
    },
    /** Hands every event to `consume` exactly once, even across restarts and processes. */
    subscribeDurable(name: string, consume: DurableConsumer): void {
      durables.set(name, consume);
      pokeDurables();
    },
    /** The newest seq this process has relayed (the thread page's `data-since`). */
    relayedSeq: () => cursor ?? 0,
    /** Starts relaying: from the newest event now (this process needs nothing older). */
    start(): Promise<void> {
      started ??= (async () => {
        stopListening = await handle.listen(
          EVENT_CHANNEL,
          (payload) => {
            // This process's own commits are handed over by their writers: nothing to read.
            const seq = payload === '' ? Number.NaN : Number(payload);
            if (ownInFlight.has(seq) || (cursor !== undefined && seq <= cursor)) return;
            void poke();
          },
          () => void poke(),
        );
        cursor = await latestSeq(db);
        poll = setInterval(() => {
          void poke();
          // A durable consumer another process held (or that failed) tries again.
          pokeDurables();
        }, options.pollMs ?? 2_000);
        poll.unref();
        prune = setInterval(() => {
          pruneOld().catch((error) => logger.warn({ err: error }, 'event prune failed'));
        }, PRUNE_INTERVAL_MS);
        prune.unref();
        pokeDurables();
      })();
      return started;
    },
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(poll);
      clearInterval(prune);
      clearTimeout(durableTimer);
      await stopListening?.();
      await reading;
      await durableRun;
      for (const waiter of waiters.splice(0)) waiter.resolve();
    },
  };
}

export type EventLog = ReturnType<typeof createEventLog>;
