import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, commentIdFrom } from '../support/form.js';
import { startTestForum, type TestForum } from '../support/forum.js';
import { signIn } from '../support/moderators.js';

let forum: TestForum;
beforeAll(async () => {
  forum = await startTestForum();
});
afterAll(() => forum.close());

describe('a moderator’s edit', () => {
  it('is checked like the public form: control characters (a NUL byte PostgreSQL cannot store) get a 422, not a 500', async () => {
    const id = commentIdFrom(await answer(forum.browser(), 'what-is-concluded'));
    const moderator = await signIn(forum, 'admin');
    const res = await moderator.browser.post(`/mod/comments/${id}/edit`).type('form').send({
      _csrf: moderator.csrf,
      author: 'Ana',
      email: 'ana@example.org',
      url: '',
      body: 'java\u0000script and more',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Remove the invisible control characters');
    const reply = await moderator.browser
      .post(`/mod/comments/${id}/reply`)
      .type('form')
      .send({ _csrf: moderator.csrf, body: 'nul\u0000' });
    expect(reply.status).toBeLessThan(500);
    expect(reply.status).toBeGreaterThanOrEqual(400);
  });
});
