import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageToSource, slugOfLink } from '../../src/imports/disqus-content.js';
import { importDisqusExport } from '../../src/imports/disqus-import.js';
import { looksLikeDisqus } from '../../src/imports/disqus-reader.js';
import { findImported } from '../../src/imports/wordpress.repository.js';
import { importWordpressExport } from '../../src/imports/wordpress-import.js';
import { WxrFormatError } from '../../src/imports/xml-file.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { startTestForum, type TestForum } from '../support/forum.js';
import { signIn } from '../support/moderators.js';

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures');
const DISQUS = path.join(FIXTURES, 'disqus-export.xml');
const WORDPRESS = path.join(FIXTURES, 'wordpress-export.xml');

let forum: TestForum;
beforeAll(async () => {
  forum = await startTestForum();
  // The Arctic post comes from WordPress; the seeded post from text.
  await importWordpressExport(forum.db, WORDPRESS, { maxDepth: 5 });
});
afterAll(() => forum.close());

const importFile = (file: string) => importDisqusExport(forum.db, file, { maxDepth: 5 });

async function counts() {
  const { rows } = await sql<{ comments: number; questions: number; imports: number }>`
    select (select count(*)::int from comments) as comments, (select count(*)::int from questions) as questions,
      (select count(*)::int from wordpress_imports) as imports`.execute(forum.db);
  return rows[0];
}

/** Imported comments by their Disqus id. */
async function imported() {
  const rows = await forum.db
    .selectFrom('wordpress_imports as w')
    .innerJoin('comments as c', 'c.id', 'w.local_id')
    .innerJoin('questions as q', 'q.id', 'c.question_id')
    .select([
      'w.wordpress_id',
      'c.id',
      'c.in_reply_to_id',
      'c.status',
      'c.author',
      'c.email',
      'c.ip',
      'c.created_at',
      'c.body_html',
      'q.slug',
    ])
    .where('w.site', '=', 'disqus:policyblog')
    .execute();
  return new Map(rows.map((row) => [Number(row.wordpress_id), row]));
}

describe('a Disqus export', () => {
  it('stops at the line that is wrong, or at a file that is not one, and adds nothing', async () => {
    const before = await counts();
    const dir = mkdtempSync(path.join(tmpdir(), 'oq-disqus-'));
    const broken = path.join(dir, 'broken.xml');
    writeFileSync(broken, readFileSync(DISQUS, 'utf8').replace('<isSpam>true</isSpam>', '<isSpam>yes</isSpam>'));
    const error = await importFile(broken).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WxrFormatError);
    expect((error as Error).message).toMatch(
      /broken\.xml, line 84: comment 9004 has isSpam "yes"; expected true or false/,
    );
    const cut = path.join(dir, 'cut.xml');
    writeFileSync(cut, readFileSync(DISQUS, 'utf8').slice(0, 3_000));
    await expect(importFile(cut)).rejects.toThrow(/cut\.xml, line \d+: /);
    await expect(importFile(WORDPRESS)).rejects.toThrow(/line 1: this is not a Disqus export/);
    expect(await counts()).toEqual(before);
  });

  it('brings comments into their posts’ discussions, threaded, in their states, and says which threads have no post', async () => {
    const summary = await importFile(DISQUS);
    expect(summary).toEqual({
      forum: 'policyblog',
      threads: {
        matched: 3,
        unmatched: [
          { link: 'https://blog.example.org/2013/01/not-imported/', title: 'A post nobody imported', comments: 1 },
        ],
      },
      comments: { created: 8, known: 0 },
    });
    const comments = await imported();
    const of = (id: number) => comments.get(id);
    // Through the WordPress post id the Disqus plugin wrote; and by the address's slug.
    expect(of(9001)?.slug).toBe('arctic-treaty-talks-discussion');
    expect(of(9007)?.slug).toBe('multilateral-cyber-security-discussion');
    expect(of(9008)).toBeUndefined();
    // Threading: a reply listed before its parent is placed under it all the same.
    expect(of(9002)?.in_reply_to_id).toBe(of(9001)?.id);
    expect(of(9003)?.in_reply_to_id).toBe(of(9002)?.id);
    // Two threads for one page (http and https): a reply in one finds its parent in the other.
    expect(of(9009)?.in_reply_to_id).toBe(of(9001)?.id);
    expect(of(9009)?.slug).toBe('arctic-treaty-talks-discussion');
    expect(of(9001)).toMatchObject({
      status: 'approved',
      author: 'Ann',
      email: 'ann@example.org',
      ip: '192.0.2.10',
      body_html: '<p>Who pays for the icebreakers?</p>\n<p>Nobody has said.</p>',
    });
    expect(new Date(of(9001)?.created_at as Date).toISOString()).toBe('2012-03-06T10:00:00.000Z');
    expect(of(9002)?.body_html).toContain('<b>surely</b>');
    expect(of(9002)?.body_html).not.toContain('script');
    expect([9004, 9005, 9006].map((id) => of(id)?.status)).toEqual(['spam', 'trash', 'pending']);
    expect(of(9005)?.author).toBe('Dee');
  });

  it('shows the comments on the post’s discussion page; held ones only in the queue', async () => {
    const page = await forum.browser().get('/posts/multilateral-cyber-security/discussion').expect(200);
    expect(page.text).toContain('The code of conduct was a start.');
    expect(page.text).not.toContain('Awaiting moderation on cyber norms.');
    const moderator = await signIn(forum);
    const queue = await moderator.browser.get('/mod').expect(200);
    expect(queue.text).toContain('Awaiting moderation on cyber norms.');
  });

  it('finds what it imported among any number of ids (a thread of tens of thousands)', async () => {
    const ids = [...Array.from({ length: 70_000 }, (_, k) => 1_000_000 + k), 9001, 9009];
    const found = await findImported(forum.db, 'disqus:policyblog', 'comment', ids);
    expect([...found.keys()].sort()).toEqual([9001, 9009]);
    expect(found.get(9001)).toBe((await imported()).get(9001)?.id);
  });

  it('adds nothing when imported again', async () => {
    const before = await counts();
    const summary = await importFile(DISQUS);
    expect(summary.comments).toEqual({ created: 0, known: 8 });
    expect(await counts()).toEqual(before);
  });

  it('is told from a WordPress export by its root element; messages and addresses are read as Disqus writes them', () => {
    expect(looksLikeDisqus(readFileSync(DISQUS, 'utf8').slice(0, 500))).toBe(true);
    expect(looksLikeDisqus(readFileSync(WORDPRESS, 'utf8').slice(0, 500))).toBe(false);
    // Only the root element counts: a WordPress export may mention <disqus> in its text.
    expect(looksLikeDisqus('<?xml version="1.0"?>\n<rss><channel><title>&lt;disqus&gt; and <disqus></title>')).toBe(
      false,
    );
    expect(looksLikeDisqus('\uFEFF<?xml version="1.0"?><!-- hi --><!DOCTYPE x>\n<disqus>')).toBe(true);
    expect(messageToSource('<p>One<br/>two</p>\r\n<p class="x">Three</p>')).toBe('One\ntwo\n\nThree');
    expect(slugOfLink('https://blog.example.org/2011/10/Caf%C3%A9/?p=1#c')).toBe('café');
    expect(slugOfLink('not an address')).toBeNull();
  });
});

describe('npm run import with a Disqus export', () => {
  it('imports it after the WordPress export, printing each thread and what had no post', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'oq-disqus-cli-'));
    const run = (file: string) =>
      promisify(execFile)(
        path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'),
        [path.join(PROJECT_ROOT, 'scripts', 'import-post.ts'), file],
        { cwd: PROJECT_ROOT, env: { ...process.env, LOG_LEVEL: 'silent', NODE_ENV: 'test', DATA_DIR: dataDir } },
      );
    await run(WORDPRESS);
    const { stdout } = await run(DISQUS);
    expect(stdout).toContain('/posts/arctic-treaty-talks/discussion: 6 new comments');
    // A new database has no seeded post: that thread waits too.
    expect(stdout).toContain('No post for https://blog.example.org/2013/01/not-imported/ ("A post nobody imported")');
    expect(stdout).toContain('No post for https://blog.example.org/2011/10/multilateral-cyber-security/');
    expect(stdout).toMatch(/Done: 6 new comments \(0 imported before\) in 2 threads; 2 threads had no post/);
  }, 60_000);
});
