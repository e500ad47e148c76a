import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, commentIdFrom } from '../support/form.js';
import { startTestForum, type TestForum } from '../support/forum.js';
import { type SignedIn, signIn } from '../support/moderators.js';

let forum: TestForum;
let mod: SignedIn;
let admin: SignedIn;
beforeAll(async () => {
  forum = await startTestForum();
  mod = await signIn(forum);
  admin = await signIn(forum, 'admin');
});
afterAll(() => forum.close());

const slug = 'who-is-involved-in-the-discussion';

const act = (id: number, action: string, fields: Record<string, string> = {}) =>
  mod.browser
    .post(`/mod/comments/${id}/${action}`)
    .type('form')
    .send({ _csrf: mod.csrf, ...fields });

/** A removed answer, a reply to it and a reply to that. */
async function conversation(words: string) {
  const browser = forum.browser();
  const top = commentIdFrom(await answer(browser, slug, { author: `Top ${words}`, body: `Removed words ${words}` }));
  const reply = commentIdFrom(await answer(browser, slug, { body: `Reply ${words}` }, { replyTo: top }));
  const deeper = commentIdFrom(await answer(browser, slug, { body: `Deeper ${words}` }, { replyTo: reply }));
  return { top, reply, deeper };
}

/** The `<li>` of one comment, with its replies, as the thread page shows it. */
function element(html: string, id: number): string {
  const start = html.indexOf(`<li class="comment`, html.lastIndexOf('<', html.indexOf(`id="comment-${id}"`)));
  let depth = 0;
  for (const match of html.slice(start).matchAll(/<li\b|<\/li>/g)) {
    depth += match[0] === '</li>' ? -1 : 1;
    if (depth === 0) return html.slice(start, start + (match.index ?? 0) + 5);
  }
  return html.slice(start);
}

describe('a removed comment with published replies', () => {
  it('stays in the tree as a tombstone with the public reason, its replies under it', async () => {
    const { top, reply, deeper } = await conversation('alpha');
    await act(top, 'trash', { reason: 'Off topic' }).expect(303);

    const page = await forum.browser().get(`/questions/${slug}`).expect(200);
    const tombstone = element(page.text, top);
    expect(tombstone).toMatch(new RegExp(`^<li class="comment comment--removed" id="comment-${top}">`));
    expect(tombstone).toContain('Removed by a moderator: <span class="comment__reason">Off topic</span>');
    expect(tombstone).not.toContain('Removed words alpha');
    expect(tombstone).not.toContain('Top alpha');
    // Replies stay where they were: nested under the tombstone, not lifted to the top.
    expect(tombstone).toContain(`id="comment-${reply}"`);
    expect(tombstone).toContain(`id="comment-${deeper}"`);
    expect(page.text).not.toContain('Removed words alpha');
    const row = await forum.db
      .selectFrom('moderation_log')
      .select('details')
      .where('comment_id', '=', top)
      .executeTakeFirstOrThrow();
    expect(row.details).toEqual({ reason: 'Off topic' });
  });

  it('takes the moderator’s own words over a preset, for spam too', async () => {
    const { top } = await conversation('beta');
    await act(top, 'spam', { reason: 'Off topic', reason_other: '  Advertising   a product ' }).expect(303);
    const page = await forum.browser().get(`/questions/${slug}`).expect(200);
    expect(element(page.text, top)).toContain('<span class="comment__reason">Advertising a product</span>');
    expect((await act(top, 'restore', { reason_other: 'x'.repeat(201) })).status).toBe(303);
    expect((await act(top, 'trash', { reason_other: 'x'.repeat(201) })).status).toBe(422);
  });

  it('says only "Removed by a moderator" when no reason was given, and is gone once restored', async () => {
    const { top } = await conversation('gamma');
    await act(top, 'trash').expect(303);
    const removed = await forum.browser().get(`/questions/${slug}`).expect(200);
    expect(element(removed.text, top)).toContain('<p>Removed by a moderator</p>');
    await act(top, 'restore').expect(303);
    const back = await forum.browser().get(`/questions/${slug}`).expect(200);
    expect(element(back.text, top)).toContain('Removed words gamma');
    const state = await forum.db
      .selectFrom('comments')
      .select('removal_reason')
      .where('id', '=', top)
      .executeTakeFirstOrThrow();
    expect(state.removal_reason).toBeNull();
  });

  it('can be deleted: its words and author are erased, the tombstone and the replies stay', async () => {
    const { top, reply } = await conversation('delta');
    await act(top, 'trash', { reason: 'Personal attack' }).expect(303);
    await act(top, 'delete').expect(303);
    const row = await forum.db.selectFrom('comments').selectAll().where('id', '=', top).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ author: '', email: '', body_source: '', body_html: '', ip: null, status: 'trash' });
    expect(row.erased_at).not.toBeNull();
    const page = await forum.browser().get(`/questions/${slug}`).expect(200);
    expect(element(page.text, top)).toContain('Personal attack');
    expect(element(page.text, top)).toContain(`id="comment-${reply}"`);
    expect((await act(top, 'restore')).status).toBe(409);
    const trash = await mod.browser.get('/mod?tab=trash').expect(200);
    expect(trash.text).not.toContain(`id="select-${top}"`);
  });
});

describe('a removed comment without published replies', () => {
  it('leaves the thread altogether, and is deleted for good', async () => {
    const lone = commentIdFrom(await answer(forum.browser(), slug, { body: 'Lonely words' }));
    await act(lone, 'trash', { reason: 'Off topic' }).expect(303);
    const page = await forum.browser().get(`/questions/${slug}`).expect(200);
    expect(page.text).not.toContain(`id="comment-${lone}"`);
    await act(lone, 'delete').expect(303);
    expect(
      await forum.db.selectFrom('comments').select('id').where('id', '=', lone).executeTakeFirst(),
    ).toBeUndefined();
  });
});

describe('removal reasons', () => {
  it('are presets admins edit at /mod/settings, offered in the queue', async () => {
    const settings = await admin.browser.get('/mod/settings').expect(200);
    expect(settings.text).toContain('Off topic\nPersonal attack');
    const fields: Record<string, string> = {};
    for (const match of settings.text.matchAll(/<input[^>]*name="(\w+)"[^>]*value="([^"]*)"/g)) {
      fields[match[1] as string] = match[2] as string;
    }
    for (const match of settings.text.matchAll(/<textarea[^>]*name="(\w+)"[^>]*>([^<]*)<\/textarea>/g)) {
      fields[match[1] as string] = (match[2] as string).replace(/&#x3D;/g, '=');
    }
    for (const box of ['holdAll', 'holdNewEmails', 'duplicateCheck', 'captchaEnabled', 'publicModeratorNames']) {
      if (!new RegExp(`name="${box}"[^>]*checked`).test(settings.text)) delete fields[box];
    }
    await admin.browser
      .post('/mod/settings')
      .type('form')
      .send({ ...fields, _csrf: admin.csrf, removalReasons: 'Off topic\nRude, or unkind\n\nOff topic' })
      .expect(303);
    await answer(forum.browser(), slug, { body: 'Something for the queue' });
    const queue = await mod.browser.get('/mod?tab=all').expect(200);
    expect(queue.text).toContain('<option value="Rude, or unkind">Rude, or unkind</option>');
    expect(queue.text).not.toContain('<option value="Personal attack">');
  });
});

describe('the public moderation record', () => {
  it('counts removals by month and reason, per thread and site-wide, without naming commenters', async () => {
    const month = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
      new Date(),
    );
    const thread = await forum.browser().get(`/questions/${slug}/moderation`).expect(200);
    expect(thread.text).toContain(`${month}: `);
    expect(thread.text).toMatch(/<td>Off topic<\/td><td>[1-9]\d*<\/td>/);
    expect(thread.text).toContain('<td>Advertising a product</td><td>1</td>');
    expect(thread.text).toContain('<td>No reason given</td>');
    for (const commenter of ['Top alpha', 'Top beta', 'Ana']) expect(thread.text).not.toContain(commenter);
    expect(thread.text).not.toContain('Who decided');

    const other = await forum.browser().get('/questions/what-is-being-discussed/moderation').expect(200);
    expect(other.text).toContain('No comment has been removed.');
    const site = await forum.browser().get('/moderation').expect(200);
    expect(site.text).toMatch(/<td>Off topic<\/td><td>[1-9]\d*<\/td>/);
    await forum.browser().get('/questions/no-such-question/moderation').expect(404);
    const page = await forum.browser().get(`/questions/${slug}`).expect(200);
    expect(page.text).toContain(`href="/questions/${slug}/moderation"`);
  });

  it('counts held comments approved and the median wait, and names moderators only if admins allow', async () => {
    const id = commentIdFrom(await answer(forum.browser(), slug, { body: 'Held for a while' }));
    await forum.db
      .updateTable('comments')
      // As if it had waited three hours in the queue.
      .set({ status: 'pending', created_at: new Date(Date.now() - 3 * 3_600_000) } as never)
      .where('id', '=', id)
      .execute();
    await act(id, 'approve').expect(303);
    const record = await forum.browser().get(`/questions/${slug}/moderation`).expect(200);
    expect(record.text).toContain('<strong>1 held comment</strong> approved from the queue');
    expect(record.text).toContain('waited <strong>about 3 hours</strong> for a decision');

    await forum.settings.update({ publicModeratorNames: true }, admin.moderator);
    const named = await forum.browser().get(`/questions/${slug}/moderation`).expect(200);
    expect(named.text).toContain('Who decided');
    expect(named.text).toContain(`${mod.moderator.name}: `);
  });
});
