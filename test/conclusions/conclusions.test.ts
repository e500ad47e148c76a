import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvents } from '../support/events.js';
import { answer, commentIdFrom } from '../support/form.js';
import { startTestForum, type TestForum } from '../support/forum.js';
import { type SignedIn, signIn } from '../support/moderators.js';

let forum: TestForum;
let mod: SignedIn;
beforeAll(async () => {
  forum = await startTestForum();
  mod = await signIn(forum, 'moderator', 'Maya Summary');
});
afterAll(() => forum.close());

const slug = 'how-useful-can-it-be';

async function questionRow() {
  return forum.db.selectFrom('questions').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow();
}

/** The edit form as a moderator sends it: the wording and passage kept, the rest given. */
async function saveConclusion(fields: { status?: string; summary?: string }) {
  const question = await questionRow();
  return mod.browser
    .post(`/mod/questions/${question.id}/edit`)
    .type('form')
    .send({ _csrf: mod.csrf, wording: question.wording, passage: question.passage, ...fields });
}

async function saved(fields: { status?: string; summary?: string }) {
  const res = await saveConclusion(fields);
  expect(res.status, res.text.slice(0, 500)).toBe(303);
}

describe('a question’s status', () => {
  it('is open until a moderator sets it, and shows on the thread, the front page, the API and the feed', async () => {
    const before = await forum.browser().get(`/questions/${slug}`).expect(200);
    expect(before.text).toContain('data-question-status="open">Open<');
    const question = await questionRow();
    const form = await mod.browser.get(`/mod/questions/${question.id}/edit`).expect(200);
    expect(form.text).toMatch(/name="status" value="open" checked/);

    const events = recordEvents(forum, ['question.updated', 'question.summarised']);
    await saved({ status: 'in-review' });
    events.stop();
    expect(events.seen.map((event) => event.payload.type)).toEqual(['question.updated']);

    const thread = await forum.browser().get(`/questions/${slug}`).expect(200);
    expect(thread.text).toContain('data-question-status="in-review">In review<');
    const front = await forum.browser().get('/').expect(200);
    expect(front.text).toMatch(new RegExp(`id="question-${slug}"[\\s\\S]*?data-question-status="in-review"`));
    const api = await forum.browser().get('/api/questions').expect(200);
    expect(api.body.questions).toContainEqual(
      expect.objectContaining({ slug, status: 'in-review', summary_html: '', summary_updated_at: null }),
    );
    await answer(forum.browser(), slug, { body: 'An answer for the feed.' });
    const feed = await forum.browser().get('/feed.xml').expect(200);
    expect(feed.text).toContain('<category domain="status">In review</category>');

    const log = await forum.db
      .selectFrom('moderation_log')
      .select('details')
      .where('question_id', '=', question.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(log.details).toMatchObject({ changed: ['status'], status: { from: 'open', to: 'in-review' } });
  });

  it('refuses a status that is not one of the three, keeping what was typed', async () => {
    const res = await saveConclusion({ status: 'decided', summary: 'Kept words' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Choose open, in review or concluded');
    expect(res.text).toContain('Kept words</textarea>');
    expect((await questionRow()).status).toBe('in-review');
  });

  it('stays apart from closing: a concluded question still takes answers', async () => {
    await saved({ status: 'concluded' });
    expect((await answer(forum.browser(), slug, { body: 'Still answering.' })).status).toBe(303);
    expect((await questionRow()).closed_at).toBeNull();
  });
});

describe('a question’s summary', () => {
  it('is shown at the top of the thread, above highlighted answers, with quoted links to answers', async () => {
    const browser = forum.browser();
    const cited = commentIdFrom(
      await answer(browser, slug, { author: 'Cited Person', body: 'Voluntary codes need a way to be enforced.' }),
    );
    await mod.browser.post(`/mod/comments/${cited}/highlight`).type('form').send({ _csrf: mod.csrf }).expect(303);

    const events = recordEvents(forum, ['question.summarised']);
    await saved({ summary: `We heard that enforcement matters: #comment-${cited}.\n\nNothing else.` });
    events.stop();
    const question = await questionRow();
    expect(events.seen.map((event) => event.payload)).toMatchObject([
      { type: 'question.summarised', questionId: question.id },
    ]);

    const page = await forum.browser().get(`/questions/${slug}`).expect(200);
    const summaryAt = page.text.indexOf('id="summary-heading"');
    expect(summaryAt).toBeGreaterThan(0);
    expect(summaryAt).toBeLessThan(page.text.indexOf('id="highlights-heading"'));
    const today = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date());
    expect(page.text).toContain(
      `Summary, updated <time datetime="${question.summary_updated_at?.toISOString()}" data-summary-updated>${today}</time>`,
    );
    expect(page.text).toContain(
      `<a class="answer-ref" href="/comments/${cited}"><q>Voluntary codes need a way to be enforced.</q> Cited Person</a>`,
    );

    const api = await forum.browser().get(`/api/questions/${slug}`).expect(200);
    expect(api.body).toMatchObject({
      slug,
      status: 'concluded',
      summary_updated_at: question.summary_updated_at?.toISOString(),
      summary_revision_count: 1,
      highlighted_answers: [expect.objectContaining({ id: cited, author: 'Cited Person' })],
    });
    expect(api.body.summary_html).toContain('class="answer-ref"');
    expect(api.body.answer_count).toBeGreaterThan(1);
    await forum.browser().get('/api/questions/no-such-question').expect(404);
  });

  it('keeps every revision with its author, time and differences from the one before', async () => {
    await saved({ summary: 'We heard that enforcement matters most.' });
    // Saving the same words again is no new revision.
    await saved({ summary: 'We heard that enforcement matters most.' });
    const question = await questionRow();
    const revisions = await forum.db
      .selectFrom('summary_revisions')
      .selectAll()
      .where('question_id', '=', question.id)
      .orderBy('id')
      .execute();
    expect(revisions.map((r) => r.moderator_name)).toEqual(['Maya Summary', 'Maya Summary']);

    const history = await forum.browser().get(`/questions/${slug}/summary/history`).expect(200);
    expect(history.text).toContain('Revision 2, by Maya Summary');
    expect(history.text).toContain('Revision 1, by Maya Summary');
    expect(history.text.indexOf('Revision 2')).toBeLessThan(history.text.indexOf('Revision 1'));
    expect(history.text).toContain('<ins> most</ins>');
    expect(history.text).toMatch(/<del>[^<]*Nothing else[^<]*<\/del>/);
    await forum.browser().get('/questions/no-such-question/summary/history').expect(404);
  });

  it('escapes what a moderator typed as the comments do', async () => {
    await saved({ summary: 'Fine <script>alert(1)</script><strong>bold</strong>' });
    const page = await forum.browser().get(`/questions/${slug}`).expect(200);
    expect(page.text).toContain('<strong>bold</strong>');
    expect(page.text).not.toContain('<script>alert');
  });
});
