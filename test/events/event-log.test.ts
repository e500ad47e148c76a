import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatabaseHandle } from '../../src/db/connect.js';
import { createEventLog, type EventLog } from '../../src/events/event-log.js';
import { insertEvents } from '../../src/events/event-log.repository.js';
import type { LoggedEvent } from '../../src/events/forum-event.js';
import { createTestDatabase, usingServer } from '../support/database.js';
import { signal } from '../support/signal.js';

let database: DatabaseHandle;
let writer: EventLog;
/** Another process's relay: it learns of events only through the database. */
let reader: EventLog;
const seenByWriter: LoggedEvent[] = [];
const seenByReader: LoggedEvent[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  writer = createEventLog(database, pino({ level: 'silent' }), { pollMs: 200 });
  reader = createEventLog(database, pino({ level: 'silent' }), { pollMs: 200 });
  writer.subscribe('test', (events) => {
    seenByWriter.push(...events);
  });
  reader.subscribe('test', (events) => {
    seenByReader.push(...events);
  });
  await writer.start();
  await reader.start();
});
afterAll(async () => {
  await writer.stop();
  await reader.stop();
  await database.close();
});

const edited = (commentId: number) => ({ type: 'comment.edited' as const, questionId: 1, commentId });
const commentIds = (events: LoggedEvent[]) => events.map((event) => ('commentId' in event ? event.commentId : null));

async function readerHas(count: number) {
  for (let waited = 0; seenByReader.length < count && waited < 5_000; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the event log', () => {
  it('hands a transaction’s events to this process’s consumers before the transaction resolves, and to others after', async () => {
    seenByWriter.length = 0;
    seenByReader.length = 0;
    await writer.transaction(async (_tx, record) => {
      await record(edited(101));
      await record(edited(102));
    });
    expect(commentIds(seenByWriter)).toEqual([101, 102]);
    const [first, second] = seenByWriter as [LoggedEvent, LoggedEvent];
    expect(second.seq).toBeGreaterThan(first.seq);
    expect(writer.relayedSeq()).toBe(second.seq);
    await readerHas(2);
    expect(seenByReader.map((event) => event.seq)).toEqual([first.seq, second.seq]);
  });

  it('takes a bulk writer’s events in any number, in order (an import of a long thread)', async () => {
    // More than one statement can carry (65,535 parameters, three an event).
    const count = 25_000;
    const before = await sql<{ n: number }>`select count(*)::int as n from forum_events`.execute(database.db);
    await database.db.transaction().execute((tx) =>
      insertEvents(
        tx,
        Array.from({ length: count }, (_, k) => edited(100_000 + k)),
      ),
    );
    const { rows } = await sql<{ first: number; last: number; n: number }>`
      select count(*)::int as n,
        (select seq::float8 from forum_events where payload->>'commentId' = '100000') as first,
        (select seq::float8 from forum_events where payload->>'commentId' = ${String(100_000 + count - 1)}) as last
      from forum_events`.execute(database.db);
    expect(rows[0]?.n).toBe((before.rows[0]?.n ?? 0) + count);
    expect(Number(rows[0]?.last) - Number(rows[0]?.first)).toBe(count - 1);
    // The notification names the newest: both processes read up to it.
    for (const log of [reader, writer])
      await vi.waitFor(() => expect(log.relayedSeq()).toBe(Number(rows[0]?.last)), { timeout: 10_000 });
  });

  it('records nothing of a transaction that rolls back', async () => {
    seenByWriter.length = 0;
    const before = writer.relayedSeq();
    await expect(
      writer.transaction(async (_tx, record) => {
        await record(edited(201));
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await writer.transaction(async (_tx, record) => record(edited(202)));
    expect(commentIds(seenByWriter)).toEqual([202]);
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from forum_events where payload->>'commentId' = '201'`.execute(database.db);
    expect(rows[0]?.n).toBe(0);
    expect(writer.relayedSeq()).toBeGreaterThan(before);
  });

  it.skipIf(!usingServer())(
    'numbers events at commit: writers do not wait for each other, and seqs follow the order of commits',
    async () => {
      // The other process has relayed everything before this test (a busy machine can
      // deliver the last test's events late), so what it sees next is this test's.
      await vi.waitFor(() => expect(reader.relayedSeq()).toBe(writer.relayedSeq()), { timeout: 5_000 });
      seenByReader.length = 0;
      const from = reader.relayedSeq();
      const firstMayCommit = signal();
      const firstHasRecorded = signal();
      const first = writer.transaction(async (_tx, record) => {
        await record(edited(301));
        firstHasRecorded.fire();
        await firstMayCommit.fired;
      });
      await firstHasRecorded.fired;
      // The first writer's transaction is open with its event written: the second one
      // records and commits at once (waiting on a lock would fail it after the timeout).
      await writer.transaction(async (tx, record) => {
        await sql`set local lock_timeout = '2s'`.execute(tx);
        await record(edited(302));
      });
      firstMayCommit.fire();
      await first;
      await readerHas(2);
      expect(commentIds(seenByReader)).toEqual([302, 301]);
      const seqs = seenByReader.map((event) => event.seq);
      expect(seqs[0]).toBeGreaterThan(from);
      expect(seqs[1]).toBeGreaterThan(seqs[0] as number);
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from forum_events where provisional`.execute(database.db);
      expect(rows[0]?.n).toBe(0);
    },
  );
});
