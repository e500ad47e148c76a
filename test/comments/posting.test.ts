import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/captcha/challenge.js';
import { answer, commentIdFrom, readForm, solveCaptchaLabel } from '../support/form.js';
import { startTestForum, TEST_SECRET, type TestForum } from '../support/forum.js';

let forum: TestForum;
beforeAll(async () => {
  forum = await startTestForum({ MAX_THREAD_DEPTH: '3' });
});
afterAll(() => forum.close());

const slug = 'what-is-their-definition-of-cyberspace';
const otherSlug = 'who-is-involved-in-the-discussion';

async function storedComment(id: number) {
  return forum.db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirst();
}

describe('answering a question', () => {
  it('stores the answer and redirects to it with a 303', async () => {
    const res = await answer(forum.browser(), slug, { author: 'Ana', body: 'Cyberspace is <em>everywhere</em>.' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^/questions/${slug}#comment-\\d+$`));
    const stored = await storedComment(commentIdFrom(res));
    expect(stored).toMatchObject({
      author: 'Ana',
      email: 'ana@example.org',
      status: 'approved',
      body_source: 'Cyberspace is <em>everywhere</em>.',
      body_html: '<p>Cyberspace is <em>everywhere</em>.</p>',
    });
  });

  it('answers a JSON client with 201 and the comment', async () => {
    const res = await answer(forum.browser(), slug, { body: 'As JSON' }, { json: true });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'approved', parent_id: null, author: 'Ana Lopes' });
    expect(res.body.html).toContain(`id="comment-${res.body.id}"`);
    expect(JSON.stringify(res.body)).not.toContain('ana@example.org');
  });

  it('accepts a JSON body too', async () => {
    const browser = forum.browser();
    const form = readForm((await browser.get(`/questions/${slug}`)).text);
    const res = await browser.post(form.action).set('Accept', 'application/json').send({
      author: 'Jo',
      email: 'jo@example.org',
      body: 'json body',
      captcha_answer: form.answer,
      captcha_token: form.token,
      _csrf: form.csrf,
    });
    expect(res.status).toBe(201);
  });

  it('nests a reply inside its parent', async () => {
    const browser = forum.browser();
    const parent = commentIdFrom(await answer(browser, slug, { author: 'Parent', body: 'parent' }));
    const child = commentIdFrom(await answer(browser, slug, { author: 'Child', body: 'child' }, { replyTo: parent }));
    const page = await forum.browser().get(`/questions/${slug}`);
    const parentStart = page.text.indexOf(`id="comment-${parent}"`);
    const childStart = page.text.indexOf(`id="comment-${child}"`);
    const parentEnd = page.text.indexOf('</li>', page.text.indexOf(`</ol>`, childStart));
    expect(parentStart).toBeGreaterThan(0);
    expect(childStart).toBeGreaterThan(parentStart);
    expect(childStart).toBeLessThan(parentEnd);
    expect(page.text.slice(parentStart, childStart)).toContain('<ol><li class="comment"');
    expect(await storedComment(child)).toMatchObject({ parent_id: parent, depth: 1 });
  });

  it('attaches replies beyond the depth cap at the deepest allowed level', async () => {
    const browser = forum.browser();
    const a = commentIdFrom(await answer(browser, slug, { body: 'level 1' }));
    const b = commentIdFrom(await answer(browser, slug, { body: 'level 2' }, { replyTo: a }));
    const c = commentIdFrom(await answer(browser, slug, { body: 'level 3' }, { replyTo: b }));
    const d = commentIdFrom(await answer(browser, slug, { author: 'Deep', body: 'would be level 4' }, { replyTo: c }));
    expect(await storedComment(d)).toMatchObject({ parent_id: b, in_reply_to_id: c, depth: 2 });
    const page = await forum.browser().get(`/questions/${slug}`);
    // Beside c, in b's replies: the third level.
    expect(page.text).toMatch(
      new RegExp(
        `id="comment-${a}">[\\s\\S]*?<ol><li[^>]* id="comment-${b}">[\\s\\S]*?<ol><li[^>]* id="comment-${c}">[\\s\\S]*?</li>\\s*<li[^>]* id="comment-${d}">`,
      ),
    );
    expect(page.text).toContain(`replying to <a href="#comment-${c}">Ana Lopes</a>`);
  });

  it('refuses a parent from another question, or one that does not exist, with 422', async () => {
    const browser = forum.browser();
    const elsewhere = commentIdFrom(await answer(browser, otherSlug));
    for (const parent of [elsewhere, 99999999]) {
      const res = await answer(browser, slug, { parent_id: String(parent), body: 'misplaced reply' });
      expect(res.status).toBe(422);
      expect(res.text).toContain('The comment you are replying to is not part of this question');
      expect(res.text).toContain('misplaced reply');
    }
  });
});

describe('the email address', () => {
  it('never appears on any page, feed or API response', async () => {
    const browser = forum.browser();
    const email = 'secret.person@private.example';
    const id = commentIdFrom(await answer(browser, slug, { email, body: 'Where is my email?' }));
    const other = forum.browser();
    const responses = await Promise.all([
      other.get('/'),
      other.get(`/questions/${slug}`),
      other.get('/api/questions'),
      other.get(`/api/questions/${slug}/comments`),
      other.get('/feed.xml'),
    ]);
    for (const res of responses) {
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(email);
      expect(res.text).not.toContain('private.example');
    }
    expect(responses[1]?.text).toContain(`id="comment-${id}"`);
  });
});

describe('a refused answer', () => {
  it('comes back with every typed value and a message at each bad field', async () => {
    const res = await answer(forum.browser(), slug, {
      author: '',
      email: 'not-an-email',
      url: 'ftp://files.example.org',
      body: 'My carefully written answer <b>kept</b>',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('There is a problem');
    expect(res.text).toContain('<a href="#author">Enter your name</a>');
    expect(res.text).toContain('Enter an email address in the correct format');
    expect(res.text).toContain('Enter a website address that starts with http:// or https://');
    expect(res.text).toContain('value="not-an-email"');
    expect(res.text).toContain('value="ftp://files.example.org"');
    expect(res.text).toContain('My carefully written answer &lt;b&gt;kept&lt;/b&gt;</textarea>');
    expect(res.text).toContain('aria-invalid="true"');
  });

  it.each([
    ['an email with no domain', { email: 'ana@' }, 'email', 'Enter an email address in the correct format'],
    ['an email with no dot in its domain', { email: 'ana@localhost' }, 'email', 'correct format'],
    [
      'a body over 10,000 characters',
      { body: 'x'.repeat(10_001) },
      'body',
      'Your answer must be 10,000 characters or fewer',
    ],
    ['an empty body', { body: '   \n ' }, 'body', 'Write your answer'],
    [
      'a control-character flood',
      { body: `hello${'\u0001\u0002\u0007'.repeat(500)}` },
      'body',
      'Remove the invisible control characters',
    ],
    ['control characters in a name', { author: 'A\u0000na' }, 'author', 'Remove the invisible control characters'],
    ['a javascript: website', { url: 'javascript:alert(1)' }, 'url', 'starts with http:// or https://'],
  ])('refuses %s with 422 and says why', async (_name, fields, field, message) => {
    const res = await answer(forum.browser(), slug, fields, { json: true });
    expect(res.status).toBe(422);
    expect(res.body.errors[field]).toContain(message);
  });

  it('accepts exactly 10,000 characters, counted as characters, not bytes', async () => {
    const res = await answer(forum.browser(), slug, { body: `${'é'.repeat(9_999)}🙂` }, { json: true });
    expect(res.status).toBe(201);
  });

  it('answers an oversized request with 413', async () => {
    const res = await forum
      .browser()
      .post(`/questions/${slug}/comments`)
      .type('form')
      .send({ body: 'x'.repeat(400_000) });
    expect(res.status).toBe(413);
    expect(res.text).toContain('too large');
  });

  it('answers malformed JSON and arrays with 400', async () => {
    await forum
      .browser()
      .post(`/questions/${slug}/comments`)
      .set('Content-Type', 'application/json')
      .send('{"author": ')
      .expect(400);
    const res = await forum
      .browser()
      .post(`/questions/${slug}/comments`)
      .set('Accept', 'application/json')
      .send({ author: ['a', 'b'] });
    expect(res.status).toBe(400);
    expect(res.body.errors.form).toBeTruthy();
  });

  it('answers invalid UTF-8 with 400', async () => {
    const raw = await forum
      .browser()
      .post(`/questions/${slug}/comments`)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      // Raw bytes: "body=" then a broken two-byte sequence.
      .serialize((bytes: Buffer) => bytes as unknown as string)
      .send(Buffer.from([0x62, 0x6f, 0x64, 0x79, 0x3d, 0xc3, 0x28]));
    expect(raw.status).toBe(400);
    expect(raw.text).toContain('not valid UTF-8');
    const escaped = await forum.browser().post(`/questions/${slug}/comments`).type('form').send('author=A&body=%C3%28');
    expect(escaped.status).toBe(400);
  });

  it('answers another content type with 415', async () => {
    await forum
      .browser()
      .post(`/questions/${slug}/comments`)
      .set('Content-Type', 'text/plain')
      .send('hello')
      .expect(415);
  });

  it('answers an unknown question with 404', async () => {
    const res = await forum.browser().post('/questions/nope/comments').type('form').send({ author: 'A' });
    expect(res.status).toBe(404);
  });

  it('refuses a request from another site with 403, whatever it carries', async () => {
    const browser = forum.browser();
    const form = readForm((await browser.get(`/questions/${slug}`)).text);
    const res = await browser
      .post(form.action)
      .type('form')
      .set('Origin', 'https://evil.example')
      .send({
        ...{ author: 'A', email: 'a@example.org', body: 'forged' },
        captcha_answer: form.answer,
        captcha_token: form.token,
        _csrf: form.csrf,
      });
    expect(res.status).toBe(403);
    const before = await forum.db
      .selectFrom('comments')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('body_source', '=', 'forged')
      .executeTakeFirstOrThrow();
    expect(before.n).toBe(0);
  });
});

describe('CSRF', () => {
  it('refuses a post without the form’s token, or with a wrong one, and gives the form back with everything kept', async () => {
    for (const token of ['', 'not-the-token']) {
      const res = await answer(forum.browser(), slug, { _csrf: token, body: 'Typed before the token went stale' });
      expect(res.status).toBe(403);
      expect(res.text).toContain('its security token is missing, changed or was issued to another browser');
      expect(res.text).toContain('Typed before the token went stale</textarea>');
    }
  });

  it('refuses a token taken from another browser', async () => {
    const thief = forum.browser();
    await thief.get('/');
    const stolen = readForm((await thief.get(`/questions/${slug}`)).text).csrf;
    const res = await answer(forum.browser(), slug, { _csrf: stolen }, { json: true });
    expect(res.status).toBe(403);
    expect(res.body.errors.form).toContain('issued to another browser');
  });

  it('gives JSON clients the token with a captcha', async () => {
    const browser = forum.browser();
    const captcha = (await browser.get(`/api/questions/${slug}/captcha`).expect(200)).body;
    const res = await browser
      .post(`/questions/${slug}/comments`)
      .set('Accept', 'application/json')
      .send({
        author: 'Api',
        email: 'api@example.org',
        body: 'Through the API',
        captcha_answer: String(solveCaptchaLabel(captcha.label)),
        captcha_token: captcha.token,
        _csrf: captcha.csrf_token,
      });
    expect(res.status).toBe(201);
  });
});

describe('the captcha', () => {
  it('re-renders a wrong answer with a new sum and everything typed kept', async () => {
    const browser = forum.browser();
    const form = readForm((await browser.get(`/questions/${slug}`)).text);
    // This form's own sum, answered wrong (answer() would fetch a form with another sum).
    const res = await answer(browser, slug, {
      captcha_token: form.token,
      captcha_answer: String(Number(form.answer) + 1),
      body: 'kept text',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('That is not the answer to the sum');
    expect(res.text).toContain('kept text</textarea>');
    expect(readForm(res.text).token).not.toBe(form.token);
  });

  it('cannot be replayed', async () => {
    const browser = forum.browser();
    const form = readForm((await browser.get(`/questions/${slug}`)).text);
    const fields = {
      author: 'R',
      email: 'r@example.org',
      body: 'replay',
      captcha_answer: form.answer,
      captcha_token: form.token,
      _csrf: form.csrf,
    };
    expect((await browser.post(form.action).type('form').send(fields)).status).toBe(303);
    const again = await browser
      .post(form.action)
      .type('form')
      .send({ ...fields, body: 'replay 2' });
    expect(again.status).toBe(422);
    expect(again.text).toContain('That sum has already been used');
  });

  it('cannot be used on another question', async () => {
    const browser = forum.browser();
    const form = readForm((await browser.get(`/questions/${slug}`)).text);
    const res = await browser.post(`/questions/${otherSlug}/comments`).type('form').send({
      author: 'X',
      email: 'x@example.org',
      body: 'cross',
      captcha_answer: form.answer,
      captcha_token: form.token,
      _csrf: form.csrf,
    });
    expect(res.status).toBe(422);
  });

  it('cannot be solved after it expires', async () => {
    const question = await forum.db
      .selectFrom('questions')
      .select('id')
      .where('slug', '=', slug)
      .executeTakeFirstOrThrow();
    const old = issueToken(TEST_SECRET, question.id, { now: Date.now() - 2 * 3600_000, ttlMs: 3600_000 });
    const res = await answer(forum.browser(), slug, { captcha_token: old.token, captcha_answer: '0' }, { json: true });
    expect(res.status).toBe(422);
    expect(res.body.errors.captcha_answer).toContain('expired');
  });

  it('refuses a forged token and a filled honeypot', async () => {
    const forged = await answer(forum.browser(), slug, { captcha_token: 'c1.e30.AAAA' }, { json: true });
    expect(forged.status).toBe(422);
    const bot = await answer(forum.browser(), slug, { homepage: 'http://spam.example' }, { json: true });
    expect(bot.status).toBe(422);
  });
});

describe('held comments and the remembered commenter', () => {
  it('shows a held comment to its own browser, marked, and to no one else', async () => {
    const held = await startTestForum({ MODERATION_HOLD_ALL: 'true' });
    try {
      const author = held.browser();
      const res = await answer(author, slug, { body: 'Please approve me' });
      const id = commentIdFrom(res);
      const own = await author.get(`/questions/${slug}`);
      expect(own.text).toContain(`id="comment-${id}"`);
      expect(own.text).toContain('Your comment is awaiting moderation');
      const stranger = await held.browser().get(`/questions/${slug}`);
      expect(stranger.text).not.toContain(`id="comment-${id}"`);
      expect(stranger.text).not.toContain('Please approve me');
      const api = await held.browser().get(`/api/questions/${slug}/comments`);
      expect(api.body.comments).toEqual([]);
      expect(
        await held.db.selectFrom('comments').select('held_by_rule').where('id', '=', id).executeTakeFirst(),
      ).toEqual({ held_by_rule: 'hold-all' });
    } finally {
      await held.close();
    }
  });

  it('holds a comment with too many links, as the link rule says', async () => {
    const res = await answer(
      forum.browser(),
      slug,
      { body: '<a href="https://a.example">a</a> and <a href="https://b.example">b</a>' },
      { json: true },
    );
    expect(res.body.status).toBe('pending');
  });

  it('fills the form with the name, email and website used last time', async () => {
    const browser = forum.browser();
    await answer(browser, slug, {
      author: 'Remembered Rita',
      email: 'rita@example.org',
      url: 'https://rita.example.org',
    });
    const page = await browser.get(`/questions/${otherSlug}`);
    expect(page.text).toContain('value="Remembered Rita"');
    expect(page.text).toContain('value="rita@example.org"');
    expect(page.text).toContain('value="https://rita.example.org"');
    const stranger = await forum.browser().get(`/questions/${otherSlug}`);
    expect(stranger.text).not.toContain('rita@example.org');
  });

  it('marks the reader’s own comments', async () => {
    const browser = forum.browser();
    const id = commentIdFrom(await answer(browser, otherSlug, { body: 'mine' }));
    expect((await browser.get(`/questions/${otherSlug}`)).text).toMatch(
      new RegExp(`class="comment[^"]*comment--mine[^"]*" id="comment-${id}"`),
    );
    expect((await forum.browser().get(`/questions/${otherSlug}`)).text).not.toMatch(
      new RegExp(`comment--mine[^"]*" id="comment-${id}"`),
    );
  });
});

describe('the minimum time to answer', () => {
  it('refuses a form posted sooner than the setting allows, and keeps the text', async () => {
    const slow = await startTestForum({ CAPTCHA_MIN_SECONDS: '30' });
    try {
      const res = await answer(slow.browser(), slug, { body: 'typed fast' });
      expect(res.status).toBe(422);
      expect(res.text).toContain('quicker than a person can type');
      expect(res.text).toContain('typed fast</textarea>');
    } finally {
      await slow.close();
    }
  });
});
