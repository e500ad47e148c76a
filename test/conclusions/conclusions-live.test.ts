import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningForum } from '../../src/server.js';
import { answer, commentIdFrom } from '../support/form.js';
import { type Follower, follow, follower, next, startLiveForum } from '../support/live.js';
import { listening, type SignedIn, signIn } from '../support/moderators.js';

let forum: RunningForum;
let mod: SignedIn;
const sockets: Follower[] = [];
const slug = 'what-is-being-discussed';

beforeAll(async () => {
  forum = await startLiveForum();
  mod = await signIn(listening(forum), 'moderator', 'Live Summariser');
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await forum.stop();
});

const reader = () => {
  const socket = follower(forum);
  sockets.push(socket);
  return socket;
};

describe('followers of a question, live', () => {
  it('see its summary appear and change as a moderator revises it', async () => {
    const question = await forum.database.db
      .selectFrom('questions')
      .selectAll()
      .where('slug', '=', slug)
      .executeTakeFirstOrThrow();
    const socket = reader();
    await follow(socket, slug);
    const arrives = next(socket, 'question:summary', (summary) => summary.slug === slug);
    await mod.browser
      .post(`/mod/questions/${question.id}/edit`)
      .type('form')
      .send({
        _csrf: mod.csrf,
        wording: question.wording,
        passage: question.passage,
        summary: 'We *heard* <em>you</em>.',
      })
      .expect(303);
    const summary = await arrives;
    expect(summary.html).toBe('<p>We *heard* <em>you</em>.</p>');
    const stored = await forum.database.db
      .selectFrom('questions')
      .select('summary_updated_at')
      .where('id', '=', question.id)
      .executeTakeFirstOrThrow();
    expect(summary.updated_at).toBe(stored.summary_updated_at?.toISOString());
    expect(summary.seq).toBeGreaterThan(0);
  });

  it('see a trashed comment with replies turn into a tombstone in place, and one without leave', async () => {
    const browser = supertest.agent(forum.url);
    const top = commentIdFrom(await answer(browser, slug, { author: 'Gone Soon', body: 'Words to be removed' }));
    const reply = commentIdFrom(await answer(browser, slug, { body: 'A reply that stays' }, { replyTo: top }));
    const lone = commentIdFrom(await answer(browser, slug, { body: 'Alone' }));
    const socket = reader();
    await follow(socket, slug);

    const removed = next(socket, 'comment:remove', (event) => event.id === top);
    await mod.browser
      .post(`/mod/comments/${top}/trash`)
      .type('form')
      .send({ _csrf: mod.csrf, reason: 'Off topic' })
      .expect(303);
    const event = await removed;
    expect(event.tombstone_html).toMatch(new RegExp(`^<li class="comment comment--removed" id="comment-${top}">`));
    expect(event.tombstone_html).toContain('Removed by a moderator: <span class="comment__reason">Off topic</span>');
    expect(event.tombstone_html).not.toContain('Words to be removed');
    expect(event.tombstone_html).not.toContain('Gone Soon');
    expect(reply).toBeGreaterThan(top);

    const leaves = next(socket, 'comment:remove', (e) => e.id === lone);
    await mod.browser.post(`/mod/comments/${lone}/trash`).type('form').send({ _csrf: mod.csrf }).expect(303);
    expect((await leaves).tombstone_html).toBeUndefined();
  });

  it('catching up after a gap, get the tombstone too', async () => {
    const browser = supertest.agent(forum.url);
    const top = commentIdFrom(await answer(browser, slug, { body: 'Removed while away' }));
    await answer(browser, slug, { body: 'Reply kept' }, { replyTo: top });
    const page = await browser.get(`/questions/${slug}`).expect(200);
    const since = Number(/data-since="(\d+)"/.exec(page.text)?.[1]);
    await mod.browser.post(`/mod/comments/${top}/spam`).type('form').send({ _csrf: mod.csrf }).expect(303);
    const socket = reader();
    if (!socket.connected) await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const replayed = next(socket, 'comment:remove', (event) => event.id === top);
    await socket.timeout(5_000).emitWithAck('follow', { slug, since });
    expect((await replayed).tombstone_html).toContain('<p>Removed by a moderator</p>');
  });
});
