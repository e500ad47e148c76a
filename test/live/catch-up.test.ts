import { spawn } from 'node:child_process';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFakeThread } from '../../src/comments/seed-fake-thread.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import type { RunningForum } from '../../src/server.js';
import { usingServer } from '../support/database.js';
import { answer, commentIdFrom } from '../support/form.js';
import { type Follower, follower, next, pause, startLiveForum } from '../support/live.js';
import { listening, type SignedIn, signIn } from '../support/moderators.js';

let forum: RunningForum;
let mod: SignedIn;
const sockets: Follower[] = [];
const open = () => {
  const socket = follower(forum);
  sockets.push(socket);
  return socket;
};

beforeAll(async () => {
  // A comment with the word 'holdme' waits for a moderator.
  forum = await startLiveForum({ MODERATION_LINK_LIMIT: '0', MODERATION_WORDS: 'holdme' });
  mod = await signIn(listening(forum));
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await forum.stop();
});

const slug = 'what-is-being-discussed';
const post = async (fields: Record<string, string> = {}) =>
  commentIdFrom(await answer(supertest.agent(forum.url), slug, fields));
const act = (id: number, action: string, fields: Record<string, string> = {}) =>
  mod.browser
    .post(`/mod/comments/${id}/${action}`)
    .type('form')
    .send({ _csrf: mod.csrf, ...fields })
    .expect(303);
const sinceOf = async (path: string) => {
  const page = await supertest(forum.url).get(path).expect(200);
  const since = /id="comments"[^>]*data-since="(\d+)"/.exec(page.text)?.[1];
  if (since === undefined) throw new Error('No data-since on the thread');
  return Number(since);
};

type Received = { event: string; id: number; seq: number; html?: string };

/** Follows with `since` and gathers what arrives until the acknowledgement and a quiet moment. */
async function followSince(socket: Follower, since: number): Promise<Received[]> {
  const received: Received[] = [];
  socket.on('comment:new', (c) => received.push({ event: 'new', id: c.id, seq: c.seq, html: c.html }));
  socket.on('comment:update', (c) => received.push({ event: 'update', id: c.id, seq: c.seq, html: c.html }));
  socket.on('comment:remove', (c) => received.push({ event: 'remove', id: c.id, seq: c.seq }));
  socket.on('resync', () => received.push({ event: 'resync', id: 0, seq: 0 }));
  if (!socket.connected) await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  await socket.timeout(5_000).emitWithAck('follow', { slug, since });
  await pause(300);
  return received;
}

describe('catching up by seq', () => {
  it('the thread page carries the log position it shows, and every live event its seq', async () => {
    const before = await sinceOf(`/questions/${slug}`);
    const socket = open();
    await followSince(socket, before);
    const arriving = next(socket, 'comment:new');
    const id = await post({ body: 'seq carrier' });
    const live = await arriving;
    expect(live.id).toBe(id);
    expect(live.seq).toBeGreaterThan(before);
    expect(await sinceOf(`/questions/${slug}`)).toBe(live.seq);
  });

  it('replays exactly the four changes made while away, once each, in seq order', async () => {
    const edited = await post({ body: 'to be edited' });
    const trashed = await post({ body: 'to be trashed' });
    const held = await post({ body: 'holdme: held for a while' });
    const since = await sinceOf(`/questions/${slug}`);

    // Away: an edit, a removal, an older held comment approved, a new answer.
    await mod.browser
      .post(`/mod/comments/${edited}/edit`)
      .type('form')
      .send({ _csrf: mod.csrf, author: 'Ana Lopes', email: 'ana@example.org', url: '', body: 'Edited while away' })
      .expect(303);
    await act(trashed, 'trash');
    await act(held, 'approve');
    const fresh = await post({ body: 'new while away' });

    const received = await followSince(open(), since);
    expect(received.map(({ event, id }) => [event, id])).toEqual([
      ['update', edited],
      ['remove', trashed],
      ['new', held],
      ['new', fresh],
    ]);
    const seqs = received.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs[0]).toBeGreaterThan(since);
    expect(received[0]?.html).toContain('Edited while away');
  });

  it('sends a comment posted and removed while away only as a removal, and nothing twice', async () => {
    const since = await sinceOf(`/questions/${slug}`);
    const gone = await post({ body: 'short-lived' });
    await act(gone, 'trash');
    const kept = await post({ body: 'posted then edited' });
    await mod.browser
      .post(`/mod/comments/${kept}/edit`)
      .type('form')
      .send({ _csrf: mod.csrf, author: 'Ana Lopes', email: 'ana@example.org', url: '', body: 'final words' })
      .expect(303);
    const received = await followSince(open(), since);
    expect(received.map(({ event, id }) => [event, id])).toEqual([
      ['remove', gone],
      ['new', kept],
    ]);
    expect(received[1]?.html).toContain('final words');
  });

  it('replays a comment voted on while away as an update carrying its new counts', async () => {
    const id = await post({ body: 'vote on me while they are away' });
    const since = await sinceOf(`/questions/${slug}`);
    const voter = supertest.agent(forum.url);
    const page = await voter.get(`/questions/${slug}`).expect(200);
    const token = /<form id="vote" method="post" hidden><input type="hidden" name="_csrf" value="([^"]+)">/.exec(
      page.text,
    )?.[1];
    await voter
      .post(`/comments/${id}/vote`)
      .type('form')
      .set('Accept', 'application/json')
      .send({ _csrf: token, vote: 'agree' })
      .expect(200);
    const received = await followSince(open(), since);
    expect(received.map(({ event, id }) => [event, id])).toEqual([['update', id]]);
    expect(received[0]?.html).toMatch(/1 agree/);
  });

  it('sends resync past 500 changes', async () => {
    const since = await sinceOf(`/questions/${slug}`);
    const question = await forum.database.db
      .selectFrom('questions')
      .select('id')
      .where('slug', '=', slug)
      .executeTakeFirstOrThrow();
    await seedFakeThread(forum.database.db, question.id, { count: 501, maxDepth: 5, seed: 7 });
    // Let the relay pass the flood to the room before this follower joins it.
    await forum.log.poke();
    await pause(300);
    const received = await followSince(open(), since);
    expect(received.map((r) => r.event)).toEqual(['resync']);
    // A follower that is only a little behind still gets its changes.
    const recent = await sinceOf(`/questions/${slug}`);
    const id = await post({ body: 'after the flood' });
    const caught = await followSince(open(), recent);
    expect(caught.map(({ event, id }) => [event, id])).toEqual([['new', id]]);
  });

  it('sends resync when the log no longer keeps what the follower missed', async () => {
    const since = await sinceOf(`/questions/${slug}`);
    await post({ body: 'soon pruned' });
    // Prune as if the retention window had passed.
    const pruned = await forum.log.pruneOld(new Date(Date.now() + 30 * 24 * 60 * 60 * 1000));
    expect(pruned).toBeGreaterThan(0);
    const received = await followSince(open(), since);
    expect(received.map((r) => r.event)).toEqual(['resync']);
    // New changes after the prune are still replayed.
    const recent = await sinceOf(`/questions/${slug}`);
    const id = await post({ body: 'after the prune' });
    expect((await followSince(open(), recent)).map((r) => r.id)).toEqual([id]);
  });

  it('without since, follows as before: approved comments newer than `after`', async () => {
    const first = await post({ body: 'old style 1' });
    const second = await post({ body: 'old style 2' });
    const socket = open();
    const received: number[] = [];
    socket.on('comment:new', (c) => received.push(c.id));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    await socket.timeout(5_000).emitWithAck('follow', { slug, after: first - 1 });
    await pause(200);
    expect(received).toEqual([first, second]);
  });
});

// Two processes on one server database: the writer dies at once after its commit.
describe.runIf(usingServer())('a process that dies right after a commit', () => {
  it('loses no event: followers on another process still get the change', async () => {
    const id = await post({ body: 'before the crash' });
    const socket = open();
    await followSince(socket, await sinceOf(`/questions/${slug}`));
    const updates: string[] = [];
    socket.on('comment:update', (c) => {
      if (c.id === id) updates.push(c.html);
    });
    const url = (forum.database as { url?: string }).url as string;
    const code = await new Promise<number | string>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/commit-and-die.ts', url, String(id)], {
        cwd: PROJECT_ROOT,
        stdio: 'inherit',
      });
      child.on('exit', (exitCode, signal) => resolve(exitCode ?? signal ?? -1));
    });
    expect(code).toBe('SIGKILL');
    for (let waited = 0; updates.length === 0 && waited < 10_000; waited += 50) await pause(50);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toContain('written by a process that then died');
  }, 60_000);
});
