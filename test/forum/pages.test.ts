import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, commentIdFrom, readForm } from '../support/form.js';
import { startTestForum, type TestForum } from '../support/forum.js';

let forum: TestForum;
beforeAll(async () => {
  forum = await startTestForum({ COMMENTS_PER_PAGE: '2' });
});
afterAll(() => forum.close());

describe('the front page', () => {
  it('shows the post with each open question linked to its thread', async () => {
    const res = await forum.browser().get('/').expect(200);
    expect(res.text).toContain('<h1 class="post__title">Multilateral Cyber Security</h1>');
    expect(res.text).toContain('Cyber world, politics &amp; diplomacy');
    expect(res.text).toContain('<cite>Multilateral cyber security</cite>, China Daily, 19 September 2011');
    expect(res.text).toContain(
      'But the question is <a class="question-link" href="/questions/how-useful-can-it-be" title="Discuss: How useful can it be?">how useful can it be?</a>',
    );
    expect(res.text.match(/class="question-link"/g)).toHaveLength(9);
  });

  it('lists the questions with their answer counts', async () => {
    const browser = forum.browser();
    expect((await answer(browser, 'what-is-concluded')).status).toBe(303);
    const res = await browser.get('/').expect(200);
    expect(res.text).toMatch(
      /href="\/questions\/what-is-concluded">What is concluded\?<\/a>\s*<span[^>]*>1 answer<\/span>/,
    );
    expect(res.text).toMatch(
      /href="\/questions\/what-is-being-discussed">What is being discussed\?<\/a>\s*<span[^>]*>0 answers<\/span>/,
    );
  });

  it('answers a browser that has the page with 304, until an answer count changes', async () => {
    const first = await forum.browser().get('/').expect(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    await forum.browser().get('/').set('If-None-Match', etag).expect(304);
    await answer(forum.browser(), 'what-is-their-definition-of-cyberspace');
    const changed = await forum.browser().get('/').set('If-None-Match', etag).expect(200);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('offers plain share links and no third-party scripts, fonts or images', async () => {
    const res = await forum.browser().get('/').expect(200);
    for (const label of ['Facebook', 'Twitter', 'LinkedIn', 'E-mail', 'RSS'])
      expect(res.text).toContain(`>${label}</a>`);
    expect(res.text).not.toMatch(/<(script|img|link)[^>]+(src|href)="(https?:)?\/\//);
  });
});

describe('a question page', () => {
  it('shows the question, its passage and the form', async () => {
    const res = await forum.browser().get('/questions/how-useful-can-it-be').expect(200);
    expect(res.text).toContain('<h1 class="question__wording">How useful can it be?</h1>');
    expect(res.text).toContain('But the question is <mark>how useful can it be?</mark>');
    expect(res.text).toMatch(/<label for="captcha_answer">\w+ [+\-×] \w+ =<\/label>/);
    for (const field of ['author', 'email', 'url', 'body', 'parent_id', 'captcha_answer']) {
      expect(res.text).toContain(`name="${field}"`);
    }
  });

  it('shows each comment with a permalink, an exact time and a linked author name', async () => {
    const browser = forum.browser();
    const id = commentIdFrom(
      await answer(browser, 'what-is-their-definition-of-cyberspace', {
        author: 'Ana',
        url: 'https://ana.example.org',
      }),
    );
    const res = await forum.browser().get('/questions/what-is-their-definition-of-cyberspace').expect(200);
    expect(res.text).toContain(`id="comment-${id}"`);
    expect(res.text).toContain(`<article aria-labelledby="by-${id}"><header><b id="by-${id}">`);
    expect(res.text).toContain(`<a href="#comment-${id}"><time datetime="`);
    expect(res.text).toMatch(
      // Relative, as docs/CONTRACT.md has it; the page script adds the exact time as a title.
      /<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">just now<\/time>/,
    );
    expect(res.text).toContain('<a href="https://ana.example.org" rel="external nofollow ugc noopener">Ana</a>');
    // Relative to the page: the server renders the form set to reply.
    expect(res.text).toContain(`<a href="?replyto=${id}#respond">Reply<span class="sr-only"> to Ana</span></a>`);
  });

  it('pages long threads by comments in reading order, replies included', async () => {
    const slug = 'what-is-this-code-of-conduct-really-about';
    const browser = forum.browser();
    const first = commentIdFrom(await answer(browser, slug, { body: 'first' }));
    const reply = commentIdFrom(await answer(browser, slug, { body: 'reply to first' }, { replyTo: first }));
    const second = commentIdFrom(await answer(browser, slug, { body: 'second' }));
    const third = commentIdFrom(await answer(browser, slug, { body: 'third' }));
    const lateReply = commentIdFrom(await answer(browser, slug, { body: 'late reply to first' }, { replyTo: first }));
    // Reading order: first, reply, late reply, second, third; two comments a page.

    const page1 = await forum.browser().get(`/questions/${slug}`).expect(200);
    for (const id of [first, reply]) expect(page1.text).toContain(`id="comment-${id}"`);
    for (const id of [lateReply, second, third]) expect(page1.text).not.toContain(`id="comment-${id}"`);
    expect(page1.text).toContain(`href="/questions/${slug}?page=2#comments"`);
    expect(page1.text).not.toContain('comment--earlier');

    // Page 2 begins inside the first conversation: the first comment is shown again,
    // marked, with the late reply inside it.
    const page2 = await forum.browser().get(`/questions/${slug}?page=2`).expect(200);
    expect(page2.text).toContain('This page begins inside a conversation from');
    expect(page2.text).toContain('<span class="comment__badge">From the previous page</span>');
    const shownAgain = page2.text.slice(page2.text.indexOf(`id="comment-${first}"`) - 200);
    expect(shownAgain).toMatch(new RegExp(`class="comment[^"]* comment--earlier" id="comment-${first}"`));
    expect(shownAgain.indexOf(`id="comment-${lateReply}"`)).toBeGreaterThan(0);
    expect(page2.text).toContain(`id="comment-${second}"`);
    for (const id of [reply, third]) expect(page2.text).not.toContain(`id="comment-${id}"`);

    const page3 = await forum.browser().get(`/questions/${slug}?page=3`).expect(200);
    expect(page3.text).toContain(`id="comment-${third}"`);
    expect(page3.text).not.toContain('This page begins inside a conversation');
    await forum.browser().get(`/questions/${slug}?page=4`).expect(404);
    await forum.browser().get(`/questions/${slug}?page=abc`).expect(404);
  });

  it('sends a poster, a permalink and a reply link to the page the comment is on', async () => {
    const slug = 'who-is-involved-in-the-discussion';
    const browser = forum.browser();
    const first = commentIdFrom(await answer(browser, slug, { body: 'one' }));
    const second = commentIdFrom(await answer(browser, slug, { body: 'two' }));
    const third = await answer(browser, slug, { body: 'three' });
    expect(third.headers.location).toBe(`/questions/${slug}?page=2#comment-${commentIdFrom(third)}`);
    // Reading order now: one, two, this reply, three. A reply to the first would be on page 1.
    const reply = await answer(browser, slug, { body: 'reply to two' }, { replyTo: second });
    expect(reply.headers.location).toBe(`/questions/${slug}?page=2#comment-${commentIdFrom(reply)}`);
    const early = await answer(browser, slug, { body: 'reply to one' }, { replyTo: first });
    expect(early.headers.location).toBe(`/questions/${slug}#comment-${commentIdFrom(early)}`);

    await forum
      .browser()
      .get(`/questions/${slug}/comments/${commentIdFrom(third)}`)
      .expect(302)
      .expect('Location', `/questions/${slug}?page=3#comment-${commentIdFrom(third)}`);
    await forum
      .browser()
      .get(`/questions/${slug}/comments/${first}`)
      .expect(302)
      .expect('Location', `/questions/${slug}#comment-${first}`);
    // The short address does the same.
    await forum
      .browser()
      .get(`/comments/${commentIdFrom(third)}`)
      .expect(302)
      .expect('Location', `/questions/${slug}?page=3#comment-${commentIdFrom(third)}`);
    await forum.browser().get(`/questions/${slug}/comments/999999`).expect(404);
    await forum.browser().get('/comments/999999').expect(404);
    await forum.browser().get(`/questions/how-useful-can-it-be/comments/${first}`).expect(404);

    // Reply without JavaScript to a comment on page 3: the page that holds it, with the form set.
    const replying = await forum
      .browser()
      .get(`/questions/${slug}?replyto=${commentIdFrom(third)}`)
      .expect(200);
    expect(replying.text).toContain('<span aria-current="page">Page 3</span>');
    expect(readForm(replying.text).parentId).toBe(String(commentIdFrom(third)));
  });

  it("shows a reader's held reply on the page of the conversation it joins", async () => {
    const slug = 'can-it-address-the-issue-of-hacktivism';
    const writer = forum.browser();
    const first = commentIdFrom(await answer(forum.browser(), slug, { body: 'one' }));
    const second = commentIdFrom(await answer(forum.browser(), slug, { body: 'two' }));
    await answer(forum.browser(), slug, { body: 'three' });
    const held = await answer(writer, slug, { body: 'held reply to two' }, { replyTo: second });
    await sql`update comments set status = 'pending' where id = ${commentIdFrom(held)}`.execute(forum.db);
    // Reading order: one, two, held reply, three. Two approved before it: it shows on page 1.
    const page1 = await writer.get(`/questions/${slug}`).expect(200);
    expect(page1.text).toContain(`id="comment-${commentIdFrom(held)}"`);
    expect(page1.text).toContain('awaiting moderation');
    expect(page1.text).toContain(`id="comment-${first}"`);
    const page2 = await writer.get(`/questions/${slug}?page=2`).expect(200);
    expect(page2.text).not.toContain(`id="comment-${commentIdFrom(held)}"`);
    // Others never see it; its address takes them to the question, and its writer to it.
    expect((await forum.browser().get(`/questions/${slug}`)).text).not.toContain(`id="comment-${commentIdFrom(held)}"`);
    await forum
      .browser()
      .get(`/comments/${commentIdFrom(held)}`)
      .expect(302)
      .expect('Location', `/questions/${slug}`);
    await writer
      .get(`/comments/${commentIdFrom(held)}`)
      .expect(302)
      .expect('Location', `/questions/${slug}#comment-${commentIdFrom(held)}`);

    // A held new answer shows at the end: on the last page.
    const answerHeld = await answer(writer, slug, { body: 'held new answer' });
    await sql`update comments set status = 'pending' where id = ${commentIdFrom(answerHeld)}`.execute(forum.db);
    expect((await writer.get(`/questions/${slug}`)).text).not.toContain(`id="comment-${commentIdFrom(answerHeld)}"`);
    expect((await writer.get(`/questions/${slug}?page=2`)).text).toContain(`id="comment-${commentIdFrom(answerHeld)}"`);
  });

  it('shows a removed comment with approved replies as a tombstone, its replies under it, and sends its address to the question', async () => {
    const slug = 'what-is-their-definition-of-carry-out-hostile';
    const parent = commentIdFrom(await answer(forum.browser(), slug, { body: 'to be removed' }));
    const reply = commentIdFrom(
      await answer(forum.browser(), slug, { body: 'a reply that stays' }, { replyTo: parent }),
    );
    await sql`update comments set status = 'trash' where id = ${parent}`.execute(forum.db);
    // Removed behind the forum's back, but no page is kept since the reply was posted.
    const page = await forum.browser().get(`/questions/${slug}`).expect(200);
    expect(page.text).toContain(`<li class="comment comment--removed" id="comment-${parent}">`);
    expect(page.text).not.toContain('to be removed');
    expect(page.text).toContain(`id="comment-${reply}"`);
    await forum.browser().get(`/comments/${parent}`).expect(302).expect('Location', `/questions/${slug}`);
  });

  it('shows a new answer at once to readers whose page was kept rendered', async () => {
    const slug = 'how-useful-can-it-be';
    const reader = forum.browser();
    const before = await reader.get(`/questions/${slug}`).expect(200);
    await reader.get(`/questions/${slug}`).expect(200);
    const id = commentIdFrom(await answer(forum.browser(), slug, { body: 'Fresh, not cached' }));
    expect(before.text).not.toContain(`id="comment-${id}"`);
    const after = await reader.get(`/questions/${slug}`).expect(200);
    expect(after.text).toContain(`id="comment-${id}"`);
    // Each reader still gets a form of their own.
    expect(readForm(after.text).token).not.toBe(readForm(before.text).token);
  });

  it('sends a kept page gzipped to browsers that take gzip, each reader with a form of their own', async () => {
    const slug = 'how-useful-can-it-be';
    const id = commentIdFrom(await answer(forum.browser(), slug, { body: 'Deflated once, sent to many' }));
    const get = (encoding: string) => forum.browser().get(`/questions/${slug}`).set('Accept-Encoding', encoding);
    const [first, second] = [await get('gzip, deflate, br'), await get('gzip')];
    for (const res of [first, second]) {
      expect(res.headers['content-encoding']).toBe('gzip');
      // Joined from kept pieces, with its length: compression() would stream it chunked.
      expect(Number(res.headers['content-length'])).toBeGreaterThan(0);
      expect(res.headers['transfer-encoding']).toBeUndefined();
      expect(res.headers.vary).toContain('Accept-Encoding');
      expect(res.text).toContain(`id="comment-${id}"`);
      expect(res.text).toContain('</html>');
    }
    expect(readForm(first.text).token).not.toBe(readForm(second.text).token);
    const plain = await get('identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text).toContain(`id="comment-${id}"`);
  });

  it('answers an unknown question with a 404 page in the site layout', async () => {
    const res = await forum.browser().get('/questions/no-such-question').expect(404);
    expect(res.text).toContain('<a class="site-header__name" href="/">Open Questions</a>');
    expect(res.text).toContain('There is no question at this address');
    await forum.browser().get('/nowhere').expect(404).expect('content-type', /html/);
  });
});

describe('the JSON API', () => {
  it('lists the questions with answer counts', async () => {
    const res = await forum.browser().get('/api/questions').expect(200);
    expect(res.body.questions).toHaveLength(9);
    expect(res.body.questions[0]).toMatchObject({
      slug: 'what-is-being-discussed',
      wording: 'What is being discussed?',
    });
    expect(typeof res.body.questions[0].answer_count).toBe('number');
  });

  it('returns approved comments after an id, in id order, and refuses an `after` that is not a whole number', async () => {
    const slug = 'do-the-military-need-to-comply';
    const browser = forum.browser();
    const ids = [];
    for (const body of ['one', 'two', 'three']) ids.push(commentIdFrom(await answer(browser, slug, { body })));
    const all = await forum.browser().get(`/api/questions/${slug}/comments`).expect(200);
    expect(all.body.comments.map((c: { id: number }) => c.id)).toEqual(ids);
    const after = await forum.browser().get(`/api/questions/${slug}/comments?after=${ids[0]}`).expect(200);
    expect(after.body.comments.map((c: { id: number }) => c.id)).toEqual(ids.slice(1));
    const comment = after.body.comments[0];
    expect(Object.keys(comment)).toEqual(expect.arrayContaining(['id', 'parent_id', 'author', 'html', 'created_at']));
    expect(comment.html).toContain(`id="comment-${ids[1]}"`);
    for (const bad of ['abc', '-1', '1.5', '']) {
      await forum.browser().get(`/api/questions/${slug}/comments?after=${bad}`).expect(400);
    }
    await forum.browser().get('/api/questions/nope/comments').expect(404).expect('content-type', /json/);
  });
});

describe('health and feed', () => {
  it('reports the database on /healthz', async () => {
    const res = await forum.browser().get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'ok' });
  });

  it('publishes new answers as RSS', async () => {
    const browser = forum.browser();
    expect((await answer(browser, 'what-is-being-discussed', { body: 'Feed me <b>bold</b>' })).status).toBe(303);
    const res = await forum
      .browser()
      .get('/feed.xml')
      .expect(200)
      .expect('content-type', /rss\+xml/);
    expect(res.text).toContain('Feed me &lt;b&gt;bold&lt;/b&gt;');
    expect(res.text).not.toContain('ana@example.org');
  });
});
