import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveComment } from '../../src/live/socket-contract.js';
import type { RunningForum } from '../../src/server.js';
import { answer, commentIdFrom } from '../support/form.js';
import { type Follower, follow, follower, next, pause, startLiveForum } from '../support/live.js';

let forum: RunningForum;
const sockets: Follower[] = [];
const open = () => {
  const socket = follower(forum);
  sockets.push(socket);
  return socket;
};
const post = async (slug: string, fields: Record<string, string | number> = {}) =>
  commentIdFrom(await answer(supertest.agent(forum.url), slug, fields));

beforeAll(async () => {
  forum = await startLiveForum({ MODERATION_LINK_LIMIT: '0' });
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await forum.stop();
});

const slug = 'what-is-being-discussed';
const otherSlug = 'what-is-concluded';

describe('following a question', () => {
  it('delivers a reply posted over HTTP to every follower, with the page’s own markup', async () => {
    const [ana, ben] = [open(), open()];
    await Promise.all([follow(ana, slug), follow(ben, slug)]);
    const arrivals = Promise.all([next(ana, 'comment:new'), next(ben, 'comment:new')]);
    const id = await post(slug, { author: 'Cleo', body: 'Live <em>hello</em>' });
    const [forAna, forBen] = await arrivals;
    for (const comment of [forAna, forBen]) {
      expect(comment).toMatchObject({ id, parent_id: null, author: 'Cleo', slug });
      expect(comment.html).toContain(`id="comment-${id}"`);
      expect(comment.html).toContain('<em>hello</em>');
    }
    // The same partial as the page: the page holds the same element, tag for tag.
    const page = await supertest(forum.url).get(`/questions/${slug}`);
    expect(page.text).toContain(forAna.html.slice(0, forAna.html.indexOf('>') + 1));
    expect(page.text).toContain(/<div class="prose">.*?<\/div>/s.exec(forAna.html)?.[0]);
  });

  it('sends exactly the comments missed while disconnected, in order, once', async () => {
    const socket = open();
    const first = await post(slug, { body: 'before the gap' });
    await follow(socket, slug, first);
    socket.disconnect();
    const missed = [
      await post(slug, { body: 'gap 1' }),
      await post(slug, { body: 'gap 2' }),
      await post(slug, { body: 'gap 3' }),
    ];

    const received: LiveComment[] = [];
    socket.on('comment:new', (comment) => received.push(comment));
    socket.connect();
    await follow(socket, slug, first);
    await expect.poll(() => received.length).toBeGreaterThanOrEqual(3);
    await pause(300);
    expect(received.map((c) => c.id)).toEqual(missed);
  });

  it('never sends events for another question', async () => {
    const socket = open();
    await follow(socket, slug);
    const stray: LiveComment[] = [];
    socket.on('comment:new', (comment) => stray.push(comment));
    await post(otherSlug, { body: 'elsewhere' });
    const mine = next(socket, 'comment:new');
    const id = await post(slug, { body: 'here' });
    expect((await mine).id).toBe(id);
    expect(stray.map((c) => c.slug)).toEqual([slug]);
  });

  it('catches up from the start with every approved comment, in id order, and not held ones', async () => {
    const approved = await post(otherSlug, { body: 'approved' });
    // Held by a moderator after it was posted: it must not be sent to anyone.
    const held = await post(otherSlug, { body: 'held back' });
    await forum.database.db.updateTable('comments').set({ status: 'pending' }).where('id', '=', held).execute();
    const socket = open();
    const received: LiveComment[] = [];
    socket.on('comment:new', (comment) => received.push(comment));
    await follow(socket, otherSlug, 0);
    await pause(200);
    const api = await supertest(forum.url).get(`/api/questions/${otherSlug}/comments`);
    expect(received.map((c) => c.id)).toEqual(api.body.comments.map((c: { id: number }) => c.id));
    expect(received.map((c) => c.id)).toContain(approved);
    expect(received.map((c) => c.id)).not.toContain(held);
  });

  it('counts followers as they come and go', async () => {
    const presenceSlug = 'how-useful-can-it-be';
    const watcher = open();
    await follow(watcher, presenceSlug);
    expect((await next(watcher, 'presence', (p) => p.slug === presenceSlug && p.count === 1)).count).toBe(1);
    const [a, b] = [open(), open()];
    await Promise.all([follow(a, presenceSlug), follow(b, presenceSlug)]);
    expect((await next(watcher, 'presence', (p) => p.count === 3)).count).toBe(3);
    a.disconnect();
    b.emit('unfollow', { slug: presenceSlug });
    expect((await next(watcher, 'presence', (p) => p.count === 1)).count).toBe(1);
  });

  it('updates answer counts on the front page', async () => {
    const socket = open();
    await socket.timeout(5_000).emitWithAck('questions:follow');
    const counted = next(socket, 'question:count', (c) => c.slug === 'who-is-involved-in-the-discussion');
    await post('who-is-involved-in-the-discussion');
    expect(await counted).toEqual({ slug: 'who-is-involved-in-the-discussion', answer_count: 1 });
  });
});

describe('refusing bad clients', () => {
  it('answers malformed follows and unknown slugs with an error event, and keeps serving', async () => {
    const socket = open();
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const errors: string[] = [];
    socket.on('error', (error) => errors.push(error.code));
    for (const bad of [null, 42, 'slug', { slug: 7 }, { slug: slug, after: -1 }, { slug: slug, after: 'x' }, {}]) {
      socket.emit('follow', bad as never);
    }
    const reply = await follow(socket, 'no-such-question');
    expect(reply.error).toBe('There is no question with that slug.');
    await pause(200);
    // In the order sent, though each passes the shared (asynchronous) rate limit first.
    expect(errors).toEqual([...Array(7).fill('invalid'), 'not_found']);
    expect(socket.connected).toBe(true);
    expect((await follow(socket, slug)).data).toEqual({ slug, following: true });
  });

  it('refuses a connection that follows too many questions', async () => {
    const limited = await startLiveForum({ LIVE_MAX_FOLLOWS: '2' });
    try {
      const socket = follower(limited);
      sockets.push(socket);
      expect((await follow(socket, slug)).error).toBeUndefined();
      expect((await follow(socket, otherSlug)).error).toBeUndefined();
      expect((await follow(socket, 'how-useful-can-it-be')).error).toBe(
        'This connection follows too many questions already.',
      );
      expect((await follow(socket, slug)).error).toBeUndefined();
    } finally {
      await limited.stop();
    }
  });

  it('rate-limits a flood of events from one connection without hurting others', async () => {
    const flooder = open();
    const bystander = open();
    await Promise.all([follow(flooder, slug), follow(bystander, slug)]);
    const refused = next(flooder, 'error', (e) => e.code === 'rate_limited');
    for (let i = 0; i < 200; i += 1) flooder.emit('follow', { slug });
    expect((await refused).message).toBe('Too many events; slow down.');
    const arrival = next(bystander, 'comment:new');
    const id = await post(slug, { body: 'still live for others' });
    expect((await arrival).id).toBe(id);
  });
});
