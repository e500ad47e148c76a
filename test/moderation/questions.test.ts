import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvents } from '../support/events.js';
import { answer, commentIdFrom } from '../support/form.js';
import { startTestForum, type TestForum } from '../support/forum.js';
import { type SignedIn, signIn } from '../support/moderators.js';

let forum: TestForum;
let mod: SignedIn;
beforeAll(async () => {
  forum = await startTestForum();
  mod = await signIn(forum);
});
afterAll(() => forum.close());

const post = (path: string, fields: Record<string, string> = {}) =>
  mod.browser
    .post(path)
    .type('form')
    .send({ _csrf: mod.csrf, ...fields });

async function questionBySlug(slug: string) {
  return forum.db.selectFrom('questions').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow();
}

function captureQuestionEvents() {
  const events = recordEvents(forum, ['question.updated']);
  return { seen: events.seen.map((event) => event.payload), stop: events.stop, events };
}

describe('questions', () => {
  it('are listed at /mod/questions with their state', async () => {
    const res = await mod.browser.get('/mod/questions').expect(200);
    expect(res.text).toContain('How useful can it be?');
    expect(res.text.match(/data-question-id=/g)?.length).toBe(9);
  });

  it('can be reworded, with the passage, logged and announced', async () => {
    const question = await questionBySlug('how-useful-can-it-be');
    const form = await mod.browser.get(`/mod/questions/${question.id}/edit`).expect(200);
    expect(form.text).toContain('value="How useful can it be?"');
    const events = captureQuestionEvents();
    const res = await post(`/mod/questions/${question.id}/edit`, {
      wording: 'How useful can such a code be?',
      passage: 'A shorter passage.',
    });
    events.stop();
    expect(res.status).toBe(303);
    const page = await forum.browser().get('/questions/how-useful-can-it-be').expect(200);
    expect(page.text).toContain('<h1 class="question__wording">How useful can such a code be?</h1>');
    expect(page.text).toContain('A shorter passage.');
    expect(events.events.seen[0]?.payload).toMatchObject({ type: 'question.updated', questionId: question.id });
    const log = await forum.db
      .selectFrom('moderation_log')
      .selectAll()
      .where('question_id', '=', question.id)
      .execute();
    expect(log).toMatchObject([{ action: 'edit-question', details: { changed: ['wording', 'passage'] } }]);
    const empty = await post(`/mod/questions/${question.id}/edit`, { wording: ' ', passage: 'kept passage' });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('Enter the question');
    expect(empty.text).toContain('kept passage</textarea>');
  });

  it('can be added to a post, with its own page', async () => {
    const form = await mod.browser.get('/mod/questions/new').expect(200);
    const postId = /<option value="(\d+)">Multilateral Cyber Security<\/option>/.exec(form.text)?.[1];
    expect(postId).toBeTruthy();
    const res = await post('/mod/questions', {
      post_id: postId ?? '',
      wording: 'Who enforces the code?',
      passage: 'Nobody said.',
    });
    expect(res.status).toBe(303);
    const page = await forum.browser().get('/questions/who-enforces-the-code').expect(200);
    expect(page.text).toContain('Who enforces the code?');
    expect(page.text).toContain('Nobody said.');
    expect(page.text).not.toContain('<mark></mark>');
    expect((await answer(forum.browser(), 'who-enforces-the-code')).status).toBe(303);
    const missing = await post('/mod/questions', { wording: 'No post' });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('Choose the post the question belongs to');
  });

  it('can be closed: the page says so, the form is gone, posting is refused (409); reopening restores it', async () => {
    const slug = 'what-is-being-discussed';
    const question = await questionBySlug(slug);
    const browser = forum.browser();
    const before = await browser.get(`/questions/${slug}`);
    expect(before.text).toContain('class="comment-form"');
    const token = /name="captcha_token" value="([^"]*)"/.exec(before.text)?.[1] ?? '';
    const csrf = /name="_csrf" value="([^"]*)"/.exec(before.text)?.[1] ?? '';

    const events = captureQuestionEvents();
    await post(`/mod/questions/${question.id}/close`).expect(303);
    events.stop();
    expect(events.events.seen[0]?.payload).toMatchObject({ type: 'question.updated', questionId: question.id });

    const closed = await forum.browser().get(`/questions/${slug}`);
    expect(closed.text).toContain('This question is closed to new answers');
    expect(closed.text).not.toContain('class="comment-form"');
    const refused = await browser.post(`/questions/${slug}/comments`).type('form').send({
      author: 'Late',
      email: 'late@example.org',
      body: 'Too late?',
      captcha_token: token,
      captcha_answer: '1',
      _csrf: csrf,
    });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('This question is closed to new answers');
    expect(refused.text).toContain('Too late?</textarea>');
    const json = await browser.post(`/questions/${slug}/comments`).set('Accept', 'application/json').send({
      author: 'Late',
      email: 'late@example.org',
      body: 'x',
      captcha_token: token,
      captcha_answer: '1',
      _csrf: csrf,
    });
    expect(json.status).toBe(409);
    expect(json.body.errors.form).toContain('closed');
    expect((await forum.browser().get('/api/questions')).body.questions).toContainEqual(
      expect.objectContaining({ slug, closed: true }),
    );
    expect((await post(`/mod/questions/${question.id}/close`)).status).toBe(409);

    await post(`/mod/questions/${question.id}/reopen`).expect(303);
    expect((await answer(forum.browser(), slug)).status).toBe(303);
  });

  it('show highlighted answers first, in their own section', async () => {
    const slug = 'who-is-involved-in-the-discussion';
    const browser = forum.browser();
    const plain = commentIdFrom(await answer(browser, slug, { body: 'An ordinary answer.' }));
    const best = commentIdFrom(await answer(browser, slug, { author: 'Best Author', body: 'The best answer.' }));
    const updates = recordEvents(forum, ['comment.edited']);
    await post(`/mod/comments/${best}/highlight`).expect(303);
    updates.stop();
    expect(updates.seen.map((event) => event.payload)).toMatchObject([{ commentId: best }]);

    const page = await forum.browser().get(`/questions/${slug}`);
    const section = page.text.indexOf('<h2 id="highlights-heading">Highlighted answers</h2>');
    expect(section).toBeGreaterThan(0);
    expect(section).toBeLessThan(page.text.indexOf('id="comments-heading"'));
    expect(page.text).toContain(`data-highlighted-id="${best}"`);
    expect(page.text).not.toContain(`data-highlighted-id="${plain}"`);
    expect(page.text).toContain(`href="/questions/${slug}/comments/${best}"`);
    expect((await post(`/mod/comments/${best}/highlight`)).status).toBe(409);

    await post(`/mod/comments/${best}/unhighlight`).expect(303);
    expect((await forum.browser().get(`/questions/${slug}`)).text).not.toContain('Highlighted answers');
    const log = await forum.db.selectFrom('moderation_log').select('action').where('comment_id', '=', best).execute();
    expect(log.map((row) => row.action)).toEqual(['highlight', 'unhighlight']);
  });
});
