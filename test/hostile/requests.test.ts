import fc from 'fast-check';
import Handlebars from 'handlebars';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForum } from '../../src/server.js';
import { answer, readForm } from '../support/form.js';
import { startTestForum, type TestForum, testConfig } from '../support/forum.js';

let forum: TestForum;
beforeAll(async () => {
  forum = await startTestForum({ MODERATION_LINK_LIMIT: '0' });
});
afterAll(() => forum.close());

const slug = 'who-is-involved-in-the-discussion';
const commentCount = async () =>
  (await forum.db.selectFrom('comments').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;

const SQL_METACHARACTERS = [
  "' OR '1'='1",
  "'; DROP TABLE comments; --",
  '" OR ""="',
  '1; SELECT pg_sleep(5)',
  "\\'; --",
  '$$; DELETE FROM comments; $$',
  "1' UNION SELECT email FROM comments --",
  '%27%20OR%201%3D1',
];

describe('hostile input', () => {
  it.each(SQL_METACHARACTERS)('stores SQL metacharacters in every field as text: %s', async (attack) => {
    const res = await answer(
      forum.browser(),
      slug,
      { author: attack.slice(0, 100), body: attack, url: `https://example.org/?q=${encodeURIComponent(attack)}` },
      { json: true },
    );
    expect(res.status).toBe(201);
    const stored = await forum.db
      .selectFrom('comments')
      .select(['author', 'body_source'])
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ author: attack.slice(0, 100), body_source: attack });
    expect(await commentCount()).toBeGreaterThan(0);
  });

  it.each(SQL_METACHARACTERS)(
    'answers SQL metacharacters in paths and query parameters with a 4xx: %s',
    async (attack) => {
      const encoded = encodeURIComponent(attack);
      for (const path of [
        `/questions/${encoded}`,
        `/questions/${slug}?page=${encoded}`,
        `/questions/${slug}?replyto=${encoded}`,
        `/api/questions/${encoded}/comments`,
        `/api/questions/${slug}/comments?after=${encoded}`,
        `/posts/${encoded}`,
      ]) {
        const res = await forum.browser().get(path);
        expect([200, 400, 404], path).toContain(res.status);
      }
      await forum.browser().get('/healthz').expect(200);
    },
  );

  it('refuses names with bidi overrides or zero-width spaces, keeping what was typed', async () => {
    for (const author of ['Ana\u202Eevil', 'A\u200Bna', 'Ana\u2066x\u2069']) {
      const res = await answer(forum.browser(), slug, { author, body: 'impersonation?' });
      expect(res.status).toBe(422);
      expect(res.text).toContain('Remove the invisible formatting characters');
      expect(res.text).toContain('impersonation?</textarea>');
    }
    expect((await answer(forum.browser(), slug, { author: 'نیما\u200Cجان' }, { json: true })).status).toBe(201);
  });

  it('normalises names and bodies to NFC', async () => {
    const res = await answer(forum.browser(), slug, { author: 'Jose\u0301', body: 'cafe\u0301' }, { json: true });
    const stored = await forum.db
      .selectFrom('comments')
      .select(['author', 'body_source'])
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ author: 'José', body_source: 'café' });
  });

  it('answers deeply nested JSON and wrong shapes with 400, writing nothing', async () => {
    const before = await commentCount();
    let nested = '"x"';
    for (let i = 0; i < 5000; i += 1) nested = `{"a":${nested}}`;
    const deep = await forum
      .browser()
      .post(`/questions/${slug}/comments`)
      .set('Content-Type', 'application/json')
      .set('Accept', 'application/json')
      .send(`{"author":${nested}}`);
    expect(deep.status).toBe(400);
    for (const body of ['[]', '"text"', '123', 'null', '{"author":{"$gt":""}}']) {
      const res = await forum
        .browser()
        .post(`/questions/${slug}/comments`)
        .set('Content-Type', 'application/json')
        .set('Accept', 'application/json')
        .send(body);
      expect(res.status, body).toBe(400);
    }
    expect(await commentCount()).toBe(before);
    await forum.browser().get('/healthz').expect(200);
  });

  it('treats ids beyond what the database holds as naming nothing, never as a 500', async () => {
    const browser = forum.browser();
    for (const id of ['2147483648', '9999999999']) {
      const page = await browser.get(`/questions/${slug}?replyto=${id}`).expect(200);
      expect(readForm(page.text).parentId).toBe('');
      await browser.get(`/questions/${slug}/comments/${id}`).expect(404);
      await browser.get(`/comments/${id}/report`).expect(404);
      const after = await browser.get(`/api/questions/${slug}/comments?after=${id}`).expect(200);
      expect(after.body.comments).toEqual([]);
      const reply = await answer(browser, slug, { body: 'Kept, whatever the id', parent_id: id });
      expect(reply.status).toBe(422);
      expect(reply.text).toContain('Kept, whatever the id</textarea>');
    }
  });

  it('refuses oversized headers with 431 and stays up', async () => {
    // Header limits are the HTTP server's (Node's 16 KB), so this needs a listening one,
    // on the same database; it is closed without closing that database.
    const running = await startForum(
      testConfig({ PORT: '0', HOST: '127.0.0.1' }),
      pino({ level: 'silent' }),
      forum.database,
    );
    try {
      const res = await fetch(`${running.url}/`, { headers: { 'X-Padding': 'x'.repeat(20_000) } });
      expect(res.status).toBe(431);
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    } finally {
      running.server.close();
      running.io.close();
    }
  });

  it('refuses a cross-site Referer as well as a cross-site Origin', async () => {
    const browser = forum.browser();
    const form = readForm((await browser.get(`/questions/${slug}`)).text);
    const res = await browser.post(form.action).type('form').set('Referer', 'https://evil.example/page').send({
      author: 'A',
      email: 'a@example.org',
      body: 'x',
      captcha_answer: form.answer,
      captcha_token: form.token,
      _csrf: form.csrf,
    });
    expect(res.status).toBe(403);
    expect(res.text).toContain('This request came from another website');
  });
});

describe('random input at the comment endpoint (property-based)', () => {
  it('never answers 5xx: either a stored comment that renders safely, or a 4xx that keeps the input', async () => {
    const field = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.constantFrom(
        '<script>alert(1)</script>',
        '<img src=x onerror=alert(1)>',
        '"><b>',
        '{{x}}',
        '',
        ' ',
        'a'.repeat(10_001),
      ),
    );
    await fc.assert(
      fc.asyncProperty(field, field, fc.oneof(fc.constant(''), field), field, async (author, email, url, body) => {
        const res = await answer(forum.browser(), slug, { author, email, url, body });
        expect(res.status).toBeLessThan(500);
        if (res.status === 303) {
          const page = await forum.browser().get(res.headers.location as string);
          const id = /#comment-(\d+)/.exec(res.headers.location as string)?.[1];
          const element = page.text.slice(page.text.indexOf(`id="comment-${id}"`));
          const content = element.slice(0, element.indexOf('</article>'));
          expect(content).not.toMatch(/<script|onerror=|javascript:/i);
        } else {
          expect(res.status).toBeGreaterThanOrEqual(400);
          // Whatever was typed comes back in the form (escaped), unless the request itself was unreadable.
          if (
            res.status === 422 &&
            body.trim() &&
            !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.test(body)
          ) {
            expect(res.text).toContain(`>${Handlebars.escapeExpression(body)}</textarea>`);
          }
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
