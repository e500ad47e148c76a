import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, commentIdFrom } from '../support/form.js';
import { heldState, startTestForum, type TestForum } from '../support/forum.js';
import { type SignedIn, signIn } from '../support/moderators.js';

let forum: TestForum;
let mod: SignedIn;
beforeAll(async () => {
  // The default settings: the link hold at 2 is what a new forum runs with.
  forum = await startTestForum();
  mod = await signIn(forum);
});
afterAll(() => forum.close());

const slug = 'what-is-their-definition-of-cyberspace';
const twoSources = 'Sources: https://example.org/report?page=2&lang=en and http://archive.example.net/doc.';

describe('bare URLs in a comment', () => {
  it('count toward the default link hold of 2, and show as links once approved', async () => {
    expect(forum.config.forum.linkLimit).toBe(2);
    const id = commentIdFrom(await answer(forum.browser(), slug, { email: 'cites@example.org', body: twoSources }));
    expect(await heldState(forum, id)).toEqual({ status: 'pending', held_by_rule: 'link-limit' });

    await mod.browser.post(`/mod/comments/${id}/approve`).type('form').send({ _csrf: mod.csrf }).expect(303);
    const page = await forum.browser().get(`/questions/${slug}`).expect(200);
    expect(page.text).toContain(
      '<a href="https://example.org/report?page=2&amp;lang=en" rel="nofollow ugc noopener">https://example.org/report?page=2&amp;lang=en</a>',
    );
    expect(page.text).toContain(
      '<a href="http://archive.example.net/doc" rel="nofollow ugc noopener">http://archive.example.net/doc</a>.',
    );
  });

  it('a single bare URL is published at once, as a link', async () => {
    const id = commentIdFrom(
      await answer(forum.browser(), slug, { email: 'one@example.org', body: 'See https://example.org/one' }),
    );
    expect(await heldState(forum, id)).toEqual({ status: 'approved', held_by_rule: null });
    const page = await forum.browser().get(`/questions/${slug}`).expect(200);
    expect(page.text).toContain('<a href="https://example.org/one" rel="nofollow ugc noopener">');
  });
});
