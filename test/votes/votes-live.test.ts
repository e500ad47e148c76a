import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningForum } from '../../src/server.js';
import { answer, commentIdFrom } from '../support/form.js';
import { type Follower, follow, follower, next, startLiveForum } from '../support/live.js';

let forum: RunningForum;
const sockets: Follower[] = [];
const slug = 'what-is-concluded';

beforeAll(async () => {
  forum = await startLiveForum();
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await forum.stop();
});

/** A reader's browser on the running forum, having opened the thread. */
async function reader() {
  const browser = supertest.agent(forum.url);
  const page = await browser.get(`/questions/${slug}`).expect(200);
  const token = /<form id="vote" method="post" hidden><input type="hidden" name="_csrf" value="([^"]+)">/.exec(
    page.text,
  )?.[1] as string;
  return (id: number, vote: string) =>
    browser.post(`/comments/${id}/vote`).type('form').set('Accept', 'application/json').send({ _csrf: token, vote });
}

const comment = async (body: string) => commentIdFrom(await answer(supertest.agent(forum.url), slug, { body }));

describe('votes, live and mapped', () => {
  it('sends comment:votes with the new counts and the change’s seq to followers', async () => {
    const id = await comment('Follow my votes.');
    const socket = follower(forum);
    sockets.push(socket);
    await follow(socket, slug);
    const counts = next(socket, 'comment:votes', (votes) => votes.id === id);
    await (await reader())(id, 'agree').expect(200);
    const sent = await counts;
    expect(sent).toMatchObject({ id, slug, agree: 1, disagree: 0, pass: 0 });
    expect(sent.seq).toBeGreaterThan(0);
    const changed = next(socket, 'comment:votes', (votes) => votes.id === id && votes.disagree === 1);
    await (await reader())(id, 'disagree').expect(200);
    expect(await changed).toMatchObject({ agree: 1, disagree: 1 });
  });

  it('live comments carry their counts in their html', async () => {
    const id = await comment('Edited later.');
    await (await reader())(id, 'pass').expect(200);
    const socket = follower(forum);
    sockets.push(socket);
    const caughtUp = next(socket, 'comment:new', (live) => live.id === id);
    await follow(socket, slug, id - 1);
    expect((await caughtUp).html).toContain('<data value="0,0,1">0 agree · 0 disagree · 1 pass</data>');
  });

  it('serves the map: none below the minimum, then groups, consensus and division once people have voted', async () => {
    const empty = await supertest(forum.url).get(`/api/questions/${slug}/map`).expect(200);
    expect(empty.body).toMatchObject({ groups: [], consensus: [], divisive: [] });
    const page = await supertest(forum.url).get(`/questions/${slug}/map`).expect(200);
    expect(page.text).toContain('not enough votes for a map yet');
    expect(page.text).toContain('How this map is made, and what it cannot tell');

    // Two camps of five readers over four answers, and one answer everyone agrees with.
    const ours = await comment('Ours.');
    const also = await comment('Also ours.');
    const theirs = await comment('Theirs.');
    const alsoTheirs = await comment('Also theirs.');
    const everyone = await comment('Everyone agrees.');
    for (let i = 0; i < 10; i += 1) {
      const vote = await reader();
      const inA = i < 5;
      await vote(ours, inA ? 'agree' : 'disagree').expect(200);
      await vote(also, inA ? 'agree' : 'disagree').expect(200);
      await vote(theirs, inA ? 'disagree' : 'agree').expect(200);
      await vote(alsoTheirs, inA ? 'disagree' : 'agree').expect(200);
      await vote(everyone, 'agree').expect(200);
    }
    // Made again in the background a moment after the votes (on a slow machine, perhaps
    // first from only some of them: wait for the map of all ten).
    await expect
      .poll(
        async () => {
          const body = (await supertest(forum.url).get(`/api/questions/${slug}/map`)).body;
          return `${body.participants} voters, ${body.groups.length} groups`;
        },
        { timeout: 15_000, interval: 250 },
      )
      .toBe('10 voters, 2 groups');
    const map = (await supertest(forum.url).get(`/api/questions/${slug}/map`)).body;
    expect(map.participants).toBeGreaterThanOrEqual(10);
    expect(map.consensus).toContain(everyone);
    const representative = map.groups.map((group: { representative: number[] }) => [...group.representative].sort());
    expect(representative).toContainEqual([ours, also].sort());
    expect(representative).toContainEqual([theirs, alsoTheirs].sort());
    expect(map.groups.map((group: { size: number }) => group.size)).toEqual([5, 5]);
    expect(Object.keys(map).sort()).toEqual(['consensus', 'divisive', 'groups', 'participants']);

    const drawn = await supertest(forum.url).get(`/questions/${slug}/map`).expect(200);
    expect(drawn.text).toContain('<svg class="opinion-map__svg"');
    expect(drawn.text.match(/<circle /g)?.length).toBe(map.participants);
    expect(drawn.text).toContain(`href="/comments/${everyone}"`);
    expect(drawn.text).toContain('Everyone agrees.');
    expect(drawn.text).not.toMatch(/oq_visitor|visitor/);
    // And the thread links to it now.
    const thread = await supertest(forum.url).get(`/questions/${slug}`).expect(200);
    expect(thread.text).toContain(`href="/questions/${slug}/map"`);
  }, 90_000);

  it('answers 404 for a question that does not exist', async () => {
    await supertest(forum.url).get('/api/questions/no-such-question/map').expect(404);
  });
});
