import supertest, { type Agent } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvents } from '../support/events.js';
import { answer, commentIdFrom } from '../support/form.js';
import { heldState, startTestForum, type TestForum } from '../support/forum.js';
import { type SignedIn, signIn } from '../support/moderators.js';

let forum: TestForum;
let mod: SignedIn;
beforeAll(async () => {
  forum = await startTestForum({ MODERATION_REPORT_THRESHOLD: '2', TRUST_PROXY: 'loopback' });
  mod = await signIn(forum);
});
afterAll(() => forum.close());

const slug = 'what-is-concluded';
const reportUrl = (id: number) => `/comments/${id}/report`;

let readers = 0;
/** A reader at an address of its own, who has been shown a page (reports count only from such). */
async function reader() {
  readers += 1;
  const browser = supertest.agent(forum.app).set('X-Forwarded-For', `198.51.100.${readers}`);
  await browser.get(`/questions/${slug}`).expect(200);
  return browser;
}

async function report(browser: Agent | undefined, id: number, fields: Record<string, string> = { reason: 'abuse' }) {
  return (browser ?? (await reader())).post(reportUrl(id)).type('form').send(fields);
}

const stored = (id: number) => heldState(forum, id);

describe('readers’ reports', () => {
  it('every comment on the thread has a Report link to a plain form', async () => {
    const id = commentIdFrom(await answer(forum.browser(), slug, { body: 'reportable' }));
    const thread = await forum.browser().get(`/questions/${slug}`);
    expect(thread.text).toContain(`<a href="${reportUrl(id)}" rel="nofollow">Report<span class="sr-only"> comment by `);
    const page = await forum.browser().get(reportUrl(id)).expect(200);
    for (const reason of ['spam', 'abuse', 'off-topic', 'other']) expect(page.text).toContain(`value="${reason}"`);
    expect(page.text).toContain('name="note"');
    expect(page.text).toContain(`action="${reportUrl(id)}"`);
  });

  it('still answers at the longer address under the question', async () => {
    const id = commentIdFrom(await answer(forum.browser(), slug, { body: 'reported the old way' }));
    const page = await forum.browser().get(`/questions/${slug}/comments/${id}/report`).expect(200);
    expect(page.text).toContain('reported the old way');
    await (await reader())
      .post(`/questions/${slug}/comments/${id}/report`)
      .type('form')
      .send({ reason: 'spam' })
      .expect(200);
    expect(
      await forum.db.selectFrom('comment_reports').select('reason').where('comment_id', '=', id).execute(),
    ).toEqual([{ reason: 'spam' }]);
  });

  it('asks for a reason, keeping the note', async () => {
    const id = commentIdFrom(await answer(forum.browser(), slug, { body: 'r1' }));
    const res = await report(undefined, id, { note: 'my note' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Choose what is wrong with the comment');
    expect(res.text).toContain('my note</textarea>');
  });

  it('takes one report per browser per comment', async () => {
    const id = commentIdFrom(await answer(forum.browser(), slug, { body: 'r2' }));
    const browser = await reader();
    const first = await report(browser, id, { reason: 'spam', note: 'selling things' });
    expect(first.status).toBe(200);
    expect(first.text).toContain('Thank you');
    const again = await report(browser, id);
    expect(again.status).toBe(409);
    expect(again.text).toContain('You have already reported this comment');
    const rows = await forum.db.selectFrom('comment_reports').selectAll().where('comment_id', '=', id).execute();
    expect(rows).toMatchObject([{ reason: 'spam', note: 'selling things', resolved_at: null }]);
    expect(await stored(id)).toMatchObject({ status: 'approved' });
  });

  it('hides a comment after N reports, pending review, held by "reports", and says so', async () => {
    const id = commentIdFrom(await answer(forum.browser(), slug, { body: 'r3 hide me' }));
    const events = recordEvents(forum, ['comment.removed', 'comment.reported']);
    expect((await report(undefined, id)).status).toBe(200);
    expect((await report(undefined, id, { reason: 'other' })).status).toBe(200);
    events.stop();
    expect(await stored(id)).toEqual({ status: 'pending', held_by_rule: 'reports' });
    const seen = events.seen.map(({ payload: e }) =>
      e.type === 'comment.reported'
        ? `reported ${e.commentId} ${e.hidden}`
        : `removed ${(e as { commentId: number }).commentId}`,
    );
    expect(seen).toEqual([`reported ${id} false`, `removed ${id}`, `reported ${id} true`]);
    expect((await forum.browser().get(`/questions/${slug}`)).text).not.toContain(`id="comment-${id}"`);
    expect((await forum.browser().get(reportUrl(id))).status).toBe(404);

    const queue = await mod.browser.get('/mod?tab=reported').expect(200);
    const row = queue.text.slice(queue.text.indexOf(`id="row-${id}"`));
    expect(row).toContain('Reported by readers');
    expect(row).toContain('<dt>Reports</dt>');
    expect(row).toContain('abuse');
    expect(queue.text).toMatch(/Reported <span class="queue-tabs__count">[1-9]/);
  });

  it('leaves the Reported tab once a moderator decides, and the old reports stop counting', async () => {
    const id = commentIdFrom(await answer(forum.browser(), slug, { body: 'r4' }));
    expect((await report(undefined, id)).status).toBe(200);
    expect((await mod.browser.get('/mod?tab=reported')).text).toContain(`id="row-${id}"`);
    expect((await mod.browser.get('/mod?tab=reported')).text).toContain('Keep (dismiss reports)');
    // Approving a reported comment that is still public keeps it and dismisses the reports.
    await mod.browser.post(`/mod/comments/${id}/approve`).type('form').send({ _csrf: mod.csrf }).expect(303);
    expect(await stored(id)).toMatchObject({ status: 'approved' });
    const log = await forum.db.selectFrom('moderation_log').selectAll().where('comment_id', '=', id).execute();
    expect(log).toMatchObject([{ action: 'dismiss-reports', from_status: 'approved', to_status: 'approved' }]);
    expect((await mod.browser.get('/mod?tab=reported')).text).not.toContain(`id="row-${id}"`);
    expect((await report(undefined, id)).status).toBe(200);
    expect(await stored(id)).toMatchObject({ status: 'approved' });
  });

  it('cannot report a held comment, or one from another question', async () => {
    const id = commentIdFrom(await answer(forum.browser(), 'how-useful-can-it-be', { body: 'elsewhere' }));
    const underAnotherQuestion = `/questions/${slug}/comments/${id}/report`;
    expect((await forum.browser().get(underAnotherQuestion)).status).toBe(404);
    expect((await forum.browser().post(underAnotherQuestion).type('form').send({ reason: 'spam' })).status).toBe(404);
  });
});
