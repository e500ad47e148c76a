import { io } from 'socket.io-client';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueChange } from '../../src/live/socket-contract.js';
import type { RunningForum } from '../../src/server.js';
import { answer, commentIdFrom } from '../support/form.js';
import { type Follower, follow, follower, next, startLiveForum } from '../support/live.js';
import { listening, signIn } from '../support/moderators.js';

let forum: RunningForum;
const sockets: { disconnect(): void }[] = [];
const slug = 'what-is-concluded';

beforeAll(async () => {
  forum = await startLiveForum({ MODERATION_HOLD_ALL: 'true' });
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await forum.stop();
});

function queueSocket(cookie?: string) {
  const socket = io(`${forum.url}/mod`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: cookie ? { Cookie: cookie } : {},
  });
  sockets.push(socket);
  return socket;
}

describe('the live moderation queue', () => {
  it('refuses a client that is not a signed-in moderator', async () => {
    for (const cookie of [undefined, 'oq_session=s%3Aforged.signature']) {
      const socket = queueSocket(cookie);
      const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
      expect(error.message).toBe('Sign in as a moderator to follow the queue.');
    }
  });

  it('tells signed-in moderators about held comments and moderation, and followers see approvals and removals', async () => {
    const moderator = await signIn(listening(forum), 'moderator', 'Mo Live');
    const queue = queueSocket(moderator.cookie);
    await new Promise<void>((resolve) => queue.once('connect', () => resolve()));
    const reader: Follower = follower(forum);
    sockets.push(reader);
    await follow(reader, slug);

    const held = new Promise<QueueChange>((resolve) => queue.once('queue:changed', resolve));
    const id = commentIdFrom(await answer(supertest.agent(forum.url), slug, { body: 'Held until approved' }));
    expect(await held).toMatchObject({ commentId: id, change: 'held', to: 'pending' });

    const arrives = next(reader, 'comment:new', (c) => c.id === id);
    const moderated = new Promise<QueueChange>((resolve) => queue.once('queue:changed', resolve));
    await moderator.browser
      .post(`/mod/comments/${id}/approve`)
      .type('form')
      .send({ _csrf: moderator.csrf })
      .expect(303);
    expect((await arrives).html).toContain(`id="comment-${id}"`);
    expect(await moderated).toMatchObject({
      commentId: id,
      change: 'moderated',
      from: 'pending',
      to: 'approved',
      by: 'Mo Live',
    });

    const removed = next(reader, 'comment:remove', (c) => c.id === id);
    await moderator.browser.post(`/mod/comments/${id}/trash`).type('form').send({ _csrf: moderator.csrf }).expect(303);
    expect(await removed).toMatchObject({ id, slug, seq: expect.any(Number) });
  });

  it('disconnects a moderator who signed out, or whose account was removed, instead of telling them', async () => {
    const leaving = await signIn(listening(forum), 'moderator', 'Mo Leaving');
    const removed = await signIn(listening(forum), 'moderator', 'Mo Removed');
    const staying = await signIn(listening(forum), 'moderator', 'Mo Staying');
    const [a, b, c] = [queueSocket(leaving.cookie), queueSocket(removed.cookie), queueSocket(staying.cookie)];
    await Promise.all([a, b, c].map((s) => new Promise<void>((resolve) => s.once('connect', () => resolve()))));
    const told: string[] = [];
    a.on('queue:changed', () => told.push('leaving'));
    b.on('queue:changed', () => told.push('removed'));
    const aGone = new Promise<string>((resolve) => a.once('disconnect', resolve));
    const bGone = new Promise<string>((resolve) => b.once('disconnect', resolve));

    await leaving.browser.post('/logout').type('form').send({ _csrf: leaving.csrf }).expect(303);
    await forum.database.db.deleteFrom('moderators').where('id', '=', removed.moderator.id).execute();
    const held = next(c as unknown as Follower, 'queue:changed' as never);
    await answer(supertest.agent(forum.url), slug, { body: 'held after they left' });
    await held;
    expect(await aGone).toBe('io server disconnect');
    expect(await bGone).toBe('io server disconnect');
    expect(told).toEqual([]);
  });
});
