import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importWordpressExport } from '../../src/imports/wordpress-import.js';
import { htmlToPostText } from '../../src/imports/wxr-content.js';
import { WxrFormatError } from '../../src/imports/xml-file.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { startTestForum, type TestForum } from '../support/forum.js';
import { signIn } from '../support/moderators.js';

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures');
const EXPORT = path.join(FIXTURES, 'wordpress-export.xml');
const BROKEN = path.join(FIXTURES, 'wordpress-export-broken.xml');

let forum: TestForum;
beforeAll(async () => {
  forum = await startTestForum();
});
afterAll(() => forum.close());

const importFile = (file: string) => importWordpressExport(forum.db, file, { maxDepth: 5 });

async function rowCounts() {
  const { rows } = await sql<{ posts: number; questions: number; comments: number; imports: number }>`
    select (select count(*)::int from posts) as posts, (select count(*)::int from questions) as questions,
      (select count(*)::int from comments) as comments, (select count(*)::int from wordpress_imports) as imports`.execute(
    forum.db,
  );
  return rows[0];
}

/** Imported comments by their WordPress id. */
async function importedComments() {
  const rows = await forum.db
    .selectFrom('wordpress_imports as w')
    .innerJoin('comments as c', 'c.id', 'w.local_id')
    .select([
      'w.wordpress_id',
      'c.id',
      'c.parent_id',
      'c.status',
      'c.author',
      'c.email',
      'c.url',
      'c.ip',
      'c.created_at',
      'c.body_html',
      'c.question_id',
    ])
    .where('w.kind', '=', 'comment')
    .execute();
  return new Map(rows.map((row) => [Number(row.wordpress_id), row]));
}

describe('a broken WordPress export', () => {
  it('stops at the line that is wrong and adds nothing', async () => {
    const before = await rowCounts();
    const error = await importFile(BROKEN).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxrFormatError);
    expect((error as WxrFormatError).line).toBe(210);
    expect((error as Error).message).toMatch(/wordpress-export-broken\.xml, line 210: unexpected close tag$/);
    expect(await rowCounts()).toEqual(before);
  });

  it('names a comment in an unknown state, with its line, and adds nothing', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'oq-wxr-')), 'bad-state.xml');
    writeFileSync(
      file,
      readFileSync(EXPORT, 'utf8').replace('<![CDATA[0]]></wp:comment_approved>', 'maybe</wp:comment_approved>'),
    );
    const before = await rowCounts();
    const error = await importFile(file).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/bad-state\.xml, line 88: comment 103 has the state "maybe"/);
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses an XML file that is not a WordPress export', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'oq-wxr-')), 'feed.xml');
    writeFileSync(file, '<?xml version="1.0"?><rss><channel><title>x</title></channel></rss>');
    await expect(importFile(file)).rejects.toThrow(/not a WordPress export/);
  });
});

describe('importing a WordPress export', () => {
  it('brings in each published post with its questions, and its comments in their four states', async () => {
    const summary = await importFile(EXPORT);
    expect(summary).toEqual({
      site: 'https://blog.example.org',
      posts: { created: 2, known: 0 },
      comments: { created: 8, known: 0, skipped: 1 },
    });
    const post = await forum.db
      .selectFrom('posts')
      .selectAll()
      .where('slug', '=', 'arctic-treaty-talks')
      .executeTakeFirstOrThrow();
    expect(post).toMatchObject({ title: 'The Arctic treaty talks', category: 'Treaties' });
    expect(post.body.split('\n\n')).toEqual([
      'Eight states border the Arctic, and they met in Oslo this week to talk about shipping lanes & fishing rights.',
      'What was agreed',
      'They agreed on a joint statement. But who will enforce it? Nobody said.',
      'The observers were not asked. What role should the observer states play in the talks?',
      '* Shipping * Fishing',
    ]);
    const questions = await forum.db
      .selectFrom('questions')
      .select(['wording', 'kind'])
      .where('post_id', '=', post.id)
      .orderBy('position')
      .execute();
    expect(questions).toEqual([
      // The heading reads as a question to the finder, as it would in a .txt post.
      { wording: 'What was agreed?', kind: 'question' },
      { wording: 'But who will enforce it?', kind: 'question' },
      { wording: 'What role should the observer states play in the talks?', kind: 'question' },
      { wording: 'Discussion of “The Arctic treaty talks”', kind: 'discussion' },
    ]);
    // Drafts and pages stay behind.
    const titles = (await forum.db.selectFrom('posts').select('title').execute()).map((p) => p.title);
    expect(titles).toContain('Quotas after the talks');
    expect(titles).not.toContain('A draft about fisheries');
    expect(titles).not.toContain('About this blog');

    const comments = await importedComments();
    expect([...comments.keys()].sort()).toEqual([101, 102, 103, 104, 105, 106, 109, 110]);
    const byWp = (id: number) => comments.get(id) as NonNullable<ReturnType<typeof comments.get>>;
    expect(byWp(101)).toMatchObject({
      parent_id: null,
      status: 'approved',
      author: 'Ana Lopes',
      email: 'ana@example.org',
      url: 'https://ana.example.org',
      ip: '192.0.2.10',
      created_at: new Date('2012-03-05T11:00:00Z'),
      body_html: '<p>The coast guards will enforce it, in practice.</p>\n<p>Nobody else has the ships.</p>',
    });
    expect(byWp(102)).toMatchObject({
      parent_id: byWp(101).id,
      email: 'ben@example.org',
      ip: '2001:db8::7',
      url: null,
    });
    expect(byWp(102).body_html).toBe('<p>Coast guards <em>enforce</em> national law, not a statement.</p>');
    expect(byWp(106).parent_id).toBe(byWp(102).id);
    expect(byWp(109).parent_id).toBe(byWp(110).id);
    expect([103, 104, 105].map((id) => byWp(id).status)).toEqual(['pending', 'spam', 'trash']);
    expect(byWp(105).parent_id).toBe(byWp(101).id);
  });

  it('shows the discussion as a thread at /posts/:slug/discussion, linked from the post', async () => {
    const comments = await importedComments();
    const id = (wp: number) => comments.get(wp)?.id as number;
    const page = await forum.browser().get('/posts/arctic-treaty-talks/discussion').expect(200);
    for (const wp of [101, 102, 106, 110, 109]) expect(page.text).toContain(`id="comment-${id(wp)}"`);
    for (const wp of [103, 104, 105]) expect(page.text).not.toContain(`id="comment-${id(wp)}"`);
    // A reply sits inside its parent's element.
    const element = page.text.slice(
      page.text.indexOf(`id="comment-${id(101)}"`),
      page.text.indexOf(`id="comment-${id(110)}"`),
    );
    expect(element).toContain(`id="comment-${id(102)}"`);
    expect(page.text).toMatch(/<label for="captcha_answer">/);

    const post = await forum.browser().get('/posts/arctic-treaty-talks').expect(200);
    expect(post.text).toContain('href="/posts/arctic-treaty-talks/discussion"');
    expect(post.text).toContain('5 comments');
    expect(post.text).not.toContain('Discussion of “The Arctic treaty talks”');
    const api = await forum.browser().get('/api/questions').expect(200);
    expect(api.body.questions.map((q: { wording: string }) => q.wording)).not.toContain(
      'Discussion of “The Arctic treaty talks”',
    );
    await forum.browser().get('/posts/multilateral-cyber-security/discussion').expect(404);
  });

  it('adds nothing when the same export is imported again', async () => {
    const before = await rowCounts();
    const summary = await importFile(EXPORT);
    expect(summary.posts).toEqual({ created: 0, known: 2 });
    expect(summary.comments).toMatchObject({ created: 0, known: 8 });
    expect(await rowCounts()).toEqual(before);
  });
});

describe('moving a comment from the discussion to a question', () => {
  it('moves the comment and its replies, keeping their threading, and only to the post’s own questions', async () => {
    const comments = await importedComments();
    const id = (wp: number) => comments.get(wp)?.id as number;
    const moderator = await signIn(forum);
    const form = await moderator.browser.get(`/mod/comments/${id(102)}/move`).expect(200);
    expect(form.text).toContain('value="but-who-will-enforce-it"');
    expect(form.text).not.toContain('value="how-useful-can-it-be"');

    await moderator.browser
      .post(`/mod/comments/${id(102)}/move`)
      .type('form')
      .send({ _csrf: moderator.csrf, question: 'how-useful-can-it-be' })
      .expect(422);
    const moved = await moderator.browser
      .post(`/mod/comments/${id(102)}/move`)
      .type('form')
      .send({ _csrf: moderator.csrf, question: 'but-who-will-enforce-it' })
      .expect(303);
    expect(moved.headers.location).toBe(`/questions/but-who-will-enforce-it#comment-${id(102)}`);

    const after = await importedComments();
    const target = await forum.db
      .selectFrom('questions')
      .select('id')
      .where('slug', '=', 'but-who-will-enforce-it')
      .executeTakeFirstOrThrow();
    expect(after.get(102)).toMatchObject({ question_id: target.id, parent_id: null });
    expect(after.get(106)).toMatchObject({ question_id: target.id, parent_id: id(102) });
    // The parent and its other replies stay in the discussion.
    expect(after.get(101)?.question_id).not.toBe(target.id);
    expect(after.get(105)?.question_id).toBe(after.get(101)?.question_id);

    const question = await forum.browser().get('/questions/but-who-will-enforce-it').expect(200);
    const element = question.text.slice(question.text.indexOf(`id="comment-${id(102)}"`));
    expect(element).toContain(`id="comment-${id(106)}"`);
    const discussion = await forum.browser().get('/posts/arctic-treaty-talks/discussion').expect(200);
    expect(discussion.text).toContain(`id="comment-${id(101)}"`);
    expect(discussion.text).not.toContain(`id="comment-${id(102)}"`);
    expect(discussion.text).not.toContain(`id="comment-${id(106)}"`);
    // Re-importing still adds nothing, wherever the comments are now.
    expect((await importFile(EXPORT)).comments.created).toBe(0);
  });

  it('is for moderators only', async () => {
    await forum
      .browser()
      .post('/mod/comments/1/move')
      .type('form')
      .send({ question: 'but-who-will-enforce-it' })
      .expect(401);
  });
});

describe('htmlToPostText', () => {
  it('keeps WordPress paragraphs, with or without <p>, and drops markup', () => {
    expect(
      htmlToPostText('First line\nsame paragraph.\n\n<p>Second <em>one</em> &amp; more.</p><p>Third?</p><!-- more -->'),
    ).toBe('First line same paragraph.\n\nSecond one & more.\n\nThird?');
  });
});
