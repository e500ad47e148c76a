import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvents } from '../support/events.js';
import { answer, commentIdFrom } from '../support/form.js';
import { startTestForum, type TestForum } from '../support/forum.js';
import { type SignedIn, signIn } from '../support/moderators.js';

let forum: TestForum;
let mod: SignedIn;
beforeAll(async () => {
  forum = await startTestForum({ MODERATION_HOLD_ALL: 'true' });
  mod = await signIn(forum);
});
afterAll(() => forum.close());

const slug = 'what-is-their-definition-of-cyberspace';

async function status(id: number) {
  return (await forum.db.selectFrom('comments').select('status').where('id', '=', id).executeTakeFirst())?.status;
}

async function held(fields: Record<string, string> = {}) {
  return commentIdFrom(await answer(forum.browser(), slug, { body: `Held ${Math.random()}`, ...fields }));
}

function act(id: number | string, action: string, extra: Record<string, unknown> = {}) {
  return mod.browser
    .post(`/mod/comments/${id}/${action}`)
    .type('form')
    .send({ _csrf: mod.csrf, ...extra });
}

async function logFor(id: number) {
  return forum.db.selectFrom('moderation_log').selectAll().where('comment_id', '=', id).orderBy('id').execute();
}

describe('the queue', () => {
  it('lists held comments newest first, in context, with who, where from and why', async () => {
    const parent = await held({ body: 'The parent comment, which says something rather long about sovereignty.' });
    await act(parent, 'approve').expect(303);
    const page = await forum.browser().get(`/questions/${slug}?replyto=${parent}`);
    const child = commentIdFrom(
      await answer(forum.browser(), slug, {
        author: 'Child Author',
        email: 'child@example.org',
        body: 'A reply',
        parent_id: String(parent),
      }),
    );
    expect(page.status).toBe(200);
    const newer = await held({ body: 'newest' });
    const res = await mod.browser.get('/mod').expect(200);
    expect(res.text).toContain('Moderation queue');
    expect(res.text.indexOf(`id="row-${newer}"`)).toBeLessThan(res.text.indexOf(`id="row-${child}"`));
    const row = res.text.slice(res.text.indexOf(`id="row-${child}"`), res.text.indexOf(`id="row-${child}"`) + 4000);
    expect(row).toContain('What is their definition of cyberspace?');
    expect(row).toContain('In reply to Ana Lopes: <q>The parent comment, which says something rather long');
    expect(row).toContain('child@example.org');
    expect(row).toMatch(/<dt>IP<\/dt><dd>[^<]*127\.0\.0\.1/);
    expect(row).toContain('Every comment is held (pre-moderation)');
    expect(row).toContain(`action="/mod/comments/${child}/approve"`);
    expect(row).not.toContain(`action="/mod/comments/${child}/delete"`);
    expect(row).toContain(`name="ids[]" value="${child}" form="bulk"`);
    expect(res.text).toMatch(/Pending <span class="queue-tabs__count">\d+<\/span>/);
    expect(res.text).toContain('<script src="/js/mod-queue.js" defer></script>');
  });

  it('has Reported, Spam, Trash and All tabs', async () => {
    for (const [tab, label] of [
      ['reported', 'Reported'],
      ['spam', 'Spam'],
      ['trash', 'Trash'],
      ['all', 'All'],
    ]) {
      const res = await mod.browser.get(`/mod?tab=${tab}`).expect(200);
      expect(res.text).toContain(`aria-current="page">${label} <span class="queue-tabs__count">`);
    }
  });
});

describe('moderation actions', () => {
  it('approve: publishes the comment, logs it, and emits events after the commit', async () => {
    const id = await held();
    const events = recordEvents(forum, ['comment.published', 'comment.moderated']);
    const res = await act(id, 'approve', { return: '/mod?tab=all' });
    events.stop();
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/mod?tab=all');
    const next = await mod.browser.get('/mod?tab=all');
    expect(next.text).toContain(`Approve: comment ${id} done.`);
    // Shown once.
    expect((await mod.browser.get('/mod?tab=all')).text).not.toContain(`Approve: comment ${id} done.`);
    expect(await status(id)).toBe('approved');
    expect(events.seen.map((e) => e.name)).toEqual(['comment.moderated', 'comment.published']);
    const question = await forum.db
      .selectFrom('questions')
      .select('id')
      .where('slug', '=', slug)
      .executeTakeFirstOrThrow();
    expect(events.seen[1]?.payload).toMatchObject({ commentId: id, questionId: question.id });
    for (const event of events.seen) expect(await event.storedStatus).toBe('approved');
    expect(await logFor(id)).toMatchObject([
      { action: 'approve', from_status: 'pending', to_status: 'approved', moderator_id: mod.moderator.id },
    ]);
    const thread = await forum.browser().get(`/questions/${slug}`);
    expect(thread.text).toContain(`id="comment-${id}"`);
  });

  it('trash: removes a public comment (comment.removed) and restore brings it back where it was', async () => {
    const id = await held();
    await act(id, 'approve').expect(303);
    const events = recordEvents(forum, ['comment.removed', 'comment.moderated', 'comment.published']);
    await act(id, 'trash').expect(303);
    expect(await status(id)).toBe('trash');
    expect(events.seen[1]).toMatchObject({
      name: 'comment.removed',
      payload: { commentId: id, to: 'trash' },
    });
    expect(await events.seen[1]?.storedStatus).toBe('trash');
    await act(id, 'restore').expect(303);
    events.stop();
    expect(await status(id)).toBe('approved');
    expect(events.seen.map((e) => e.name)).toEqual([
      'comment.moderated',
      'comment.removed',
      'comment.moderated',
      'comment.published',
    ]);
    expect((await logFor(id)).map((row) => [row.action, row.from_status, row.to_status])).toEqual([
      ['approve', 'pending', 'approved'],
      ['trash', 'approved', 'trash'],
      ['restore', 'trash', 'approved'],
    ]);
  });

  it('spam, then restore: back to pending', async () => {
    const id = await held();
    await act(id, 'spam').expect(303);
    expect(await status(id)).toBe('spam');
    await act(id, 'restore').expect(303);
    expect(await status(id)).toBe('pending');
  });

  it('delete: only from trash or spam, and for good', async () => {
    const id = await held();
    const refused = await act(id, 'delete');
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Only comments in spam or trash can be deleted permanently');
    await act(id, 'trash').expect(303);
    const events = recordEvents(forum, ['comment.moderated']);
    await act(id, 'delete').expect(303);
    events.stop();
    expect(await status(id)).toBeUndefined();
    expect(events.seen[0]?.payload).toMatchObject({ commentId: id, from: 'trash', to: 'deleted' });
    expect((await logFor(id)).at(-1)).toMatchObject({ action: 'delete', from_status: 'trash', to_status: 'deleted' });
  });

  it('refuses an action that does not apply (409) and an unknown comment (404)', async () => {
    const id = await held();
    await act(id, 'approve').expect(303);
    expect((await act(id, 'approve')).status).toBe(409);
    expect((await act(id, 'restore')).status).toBe(409);
    expect((await act(999999, 'approve')).status).toBe(404);
    expect((await act('abc', 'approve')).status).toBe(404);
  });

  it('answers a script asking for JSON with the outcome', async () => {
    const id = await held();
    const res = await mod.browser
      .post(`/mod/comments/${id}/spam`)
      .set('Accept', 'application/json')
      .set('X-CSRF-Token', mod.csrf)
      .send({});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, from: 'pending', to: 'spam' });
  });

  it('acts on many at once: ids[] and an action', async () => {
    const ids = [await held(), await held(), await held()];
    await act(ids[2] as number, 'approve').expect(303);
    const res = await mod.browser
      .post('/mod/comments/bulk')
      .type('form')
      .send(`_csrf=${encodeURIComponent(mod.csrf)}&action=approve&${ids.map((id) => `ids%5B%5D=${id}`).join('&')}`);
    expect(res.status).toBe(303);
    expect((await mod.browser.get('/mod')).text).toContain('Approve: 2 done. 1 skipped');
    for (const id of ids) expect(await status(id)).toBe('approved');
    const none = await mod.browser.post('/mod/comments/bulk').type('form').send({ _csrf: mod.csrf, action: 'spam' });
    expect(none.status).toBe(422);
  });

  it('edit: changes the text, re-sanitized, logs which fields, and records comment.edited', async () => {
    const id = await held({ author: 'Typo Name' });
    const form = await mod.browser.get(`/mod/comments/${id}/edit`).expect(200);
    expect(form.text).toContain('value="Typo Name"');
    const events = recordEvents(forum, ['comment.edited']);
    const res = await mod.browser.post(`/mod/comments/${id}/edit`).type('form').send({
      _csrf: mod.csrf,
      author: 'Fixed Name',
      email: 'ana@example.org',
      url: '',
      body: 'Edited <script>x</script><b>ok</b>',
    });
    events.stop();
    expect(res.status).toBe(303);
    const row = await forum.db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ author: 'Fixed Name', body_html: '<p>Edited <b>ok</b></p>', status: 'pending' });
    expect(events.seen[0]?.payload).toMatchObject({ type: 'comment.edited', commentId: id });
    expect((await logFor(id)).at(-1)).toMatchObject({ action: 'edit', details: { changed: ['author', 'body'] } });
    const bad = await mod.browser
      .post(`/mod/comments/${id}/edit`)
      .type('form')
      .send({ _csrf: mod.csrf, author: '', email: 'nope', url: '', body: 'kept' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Enter your name');
    expect(bad.text).toContain('kept</textarea>');
  });

  it('reply to a held comment approves it first, as WordPress does', async () => {
    const parent = await held();
    const res = await mod.browser
      .post(`/mod/comments/${parent}/reply`)
      .type('form')
      .send({ _csrf: mod.csrf, body: 'Approved, and a reply.' });
    expect(res.status).toBe(303);
    const stored = await forum.db
      .selectFrom('comments')
      .select('status')
      .where('id', '=', parent)
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('approved');
    expect((await logFor(parent)).map((entry: { action: string }) => entry.action)).toContain('approve');
  });

  it('reply: posts as the moderator, approved, badged on the thread, and logged', async () => {
    const parent = await held();
    await act(parent, 'approve').expect(303);
    const events = recordEvents(forum, ['comment.published']);
    const res = await mod.browser
      .post(`/mod/comments/${parent}/reply`)
      .type('form')
      .send({ _csrf: mod.csrf, body: 'Thanks, noted.' });
    events.stop();
    expect(res.status).toBe(303);
    const reply = await forum.db
      .selectFrom('comments')
      .selectAll()
      .where('in_reply_to_id', '=', parent)
      .executeTakeFirstOrThrow();
    expect(reply).toMatchObject({ status: 'approved', moderator_id: mod.moderator.id, author: mod.moderator.name });
    expect(events.seen[0]?.payload).toMatchObject({ commentId: reply.id });
    const thread = await forum.browser().get(`/questions/${slug}`);
    expect(thread.text).toMatch(
      new RegExp(
        `id="comment-${reply.id}"[\\s\\S]*?<span class="comment__badge comment__badge--moderator">Moderator</span>`,
      ),
    );
    expect((await logFor(reply.id))[0]).toMatchObject({ action: 'reply', details: { inReplyTo: parent } });
  });
});
