import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.js';
import { answer, commentIdFrom } from '../support/form.js';
import { startTestForum, type TestForum } from '../support/forum.js';
import { type SignedIn, signIn } from '../support/moderators.js';

let forum: TestForum;
let first: SignedIn;
let second: SignedIn;
let admin: SignedIn;
beforeAll(async () => {
  forum = await startTestForum({ MODERATION_HOLD_ALL: 'true' });
  [first, second, admin] = await Promise.all([signIn(forum), signIn(forum), signIn(forum, 'admin')]);
});
afterAll(() => forum.close());

const held = async () =>
  commentIdFrom(await answer(forum.browser(), 'what-is-concluded', { body: `b${Math.random()}` }));
const act = (who: SignedIn, id: number, action: string) =>
  who.browser.post(`/mod/comments/${id}/${action}`).type('form').send({ _csrf: who.csrf });

/** The table rows on the page: one per entry. */
const entries = (html: string) => [...html.matchAll(/<tr data-log-id="\d+">([\s\S]*?)<\/tr>/g)].map((m) => m[1] ?? '');

describe('the audit log at /mod/log', () => {
  it('shows who did what to which comment, when, from which state to which', async () => {
    const a = await held();
    const b = await held();
    await act(first, a, 'approve').expect(303);
    await act(second, b, 'spam').expect(303);
    await act(first, b, 'restore').expect(303);

    const all = entries((await first.browser.get('/mod/log').expect(200)).text);
    expect(all[0]).toContain(first.moderator.name);
    expect(all[0]).toContain('restore');
    expect(all[0]).toContain(`comment ${b}`);
    expect(all[0]).toContain('spam → pending');
    expect(all[0]).toMatch(/<time datetime="\d{4}-/);
    expect(all[2]).toContain(first.moderator.name);
    expect(all[2]).toContain('pending → approved');

    const byModerator = entries((await first.browser.get(`/mod/log?moderator=${second.moderator.id}`)).text);
    expect(byModerator).toHaveLength(1);
    expect(byModerator[0]).toContain('spam');
    const byAction = entries((await first.browser.get('/mod/log?action=restore')).text);
    expect(byAction.every((row) => row.includes('restore'))).toBe(true);
    const byComment = entries((await first.browser.get(`/mod/log?comment=${b}`)).text);
    expect(byComment).toHaveLength(2);
    const none = await first.browser.get('/mod/log?comment=999999');
    expect(none.text).toContain('No entries match this filter');
  });

  it('records every settings change, with the values before and after', async () => {
    const current = await forum.settings.current();
    await forum.settings.update({ linkLimit: current.linkLimit + 1, holdAll: current.holdAll }, admin.moderator);
    const rows = entries((await admin.browser.get('/mod/log?action=settings')).text);
    expect(rows[0]).toContain(admin.moderator.name);
    expect(rows[0]).toContain(`linkLimit: ${current.linkLimit} → ${current.linkLimit + 1}`);
    expect(rows[0]).not.toContain('holdAll');
  });

  it('is append-only: no code in the application updates or deletes an entry', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (full.endsWith('.ts')) files.push(full);
      }
    };
    walk(path.join(PROJECT_ROOT, 'src'));
    walk(path.join(PROJECT_ROOT, 'scripts'));
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      expect(source, file).not.toMatch(/(updateTable|deleteFrom)\(\s*'moderation_log/);
      expect(source, file).not.toMatch(/(update|delete\s+from)\s+moderation_log/i);
    }
  });
});
