import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningForum } from '../../src/server.js';
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
});
