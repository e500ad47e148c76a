import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsChange } from '../../src/settings/settings.js';
import { answer, commentIdFrom, readForm } from '../support/form.js';
import { heldState, startTestForum, type TestForum } from '../support/forum.js';
import { addModerator, signIn } from '../support/moderators.js';

let forum: TestForum;
let admin: Awaited<ReturnType<typeof addModerator>>;
beforeAll(async () => {
  forum = await startTestForum();
  admin = await addModerator(forum, 'admin');
});
afterAll(() => forum.close());

const slug = 'what-is-their-definition-of-cyberspace';
let counter = 0;
/** A body and email nobody has used, so rules about history start clean. */
const fresh = () => {
  counter += 1;
  return { email: `person${counter}@example.org`, body: `Answer number ${counter}.` };
};

/** Runs a test with some settings changed, as an admin would at /mod/settings, then puts them back. */
async function withSettings(change: SettingsChange, run: () => Promise<void>) {
  const before = await forum.settings.current();
  const keys = Object.keys(change) as (keyof SettingsChange)[];
  await forum.settings.update(change, admin);
  try {
    await run();
  } finally {
    await forum.settings.update(Object.fromEntries(keys.map((key) => [key, before[key]])) as SettingsChange, admin);
  }
}

const stored = (id: number) => heldState(forum, id);

describe('rules in force', () => {
  it('approves an ordinary comment', async () => {
    const id = commentIdFrom(await answer(forum.browser(), slug, fresh()));
    expect(await stored(id)).toEqual({ status: 'approved', held_by_rule: null });
  });

  it('holds every comment under pre-moderation, set through /mod/settings', async () => {
    const { browser, csrf } = await signIn(forum, 'admin');
    const page = await browser.get('/mod/settings').expect(200);
    expect(page.text).toContain('name="holdAll"');
    const current = await forum.settings.current();
    const form = {
      _csrf: csrf,
      holdAll: 'on',
      duplicateCheck: current.duplicateCheck ? 'on' : undefined,
      captchaEnabled: 'on',
      linkLimit: String(current.linkLimit),
      moderationWords: '',
      disallowedWords: '',
      floodSeconds: '0',
      maxThreadDepth: String(current.maxThreadDepth),
      commentsPerPage: String(current.commentsPerPage),
      captchaMinSeconds: '0',
      reportThreshold: '3',
    };
    const saved = await browser.post('/mod/settings').type('form').send(form);
    expect(saved.status).toBe(303);
    expect((await browser.get(saved.headers.location ?? '')).text).toContain('Settings saved');
    const id = commentIdFrom(await answer(forum.browser(), slug, fresh()));
    expect(await stored(id)).toEqual({ status: 'pending', held_by_rule: 'hold-all' });

    await browser
      .post('/mod/settings')
      .type('form')
      .send({ ...form, holdAll: undefined })
      .expect(303);
    const next = commentIdFrom(await answer(forum.browser(), slug, fresh()));
    expect(await stored(next)).toEqual({ status: 'approved', held_by_rule: null });
  });

  it('keeps a bad settings form, with a message at the field', async () => {
    const { browser, csrf } = await signIn(forum, 'admin');
    const res = await browser.post('/mod/settings').type('form').send({ _csrf: csrf, linkLimit: 'lots' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<a href="#linkLimit">Enter a whole number from 0 to 100</a>');
    expect(res.text).toContain('value="lots"');
  });

  it('holds a comment with N or more links', async () => {
    await withSettings({ linkLimit: 3 }, async () => {
      const two = await answer(forum.browser(), slug, {
        ...fresh(),
        body: '<a href="https://a.example">a</a> <a href="https://b.example">b</a>',
      });
      expect(await stored(commentIdFrom(two))).toMatchObject({ status: 'approved' });
      const three = await answer(forum.browser(), slug, {
        ...fresh(),
        body: '<a href="https://a.example">a</a> <a href="https://b.example">b</a> <a href="https://c.example">c</a>',
      });
      expect(await stored(commentIdFrom(three))).toEqual({ status: 'pending', held_by_rule: 'link-limit' });
    });
  });

  it('holds a comment with a moderation word in its body, name, email, website or IP', async () => {
    await withSettings({ moderationWords: ['bitcoin', '127.0.0.1'] }, async () => {
      const res = await answer(forum.browser(), slug, { ...fresh(), body: 'Buy BITCOIN now' }, { json: true });
      expect(res.body.status).toBe('pending');
      expect(await stored(res.body.id)).toEqual({ status: 'pending', held_by_rule: 'moderation-words' });
    });
    await withSettings({ moderationWords: ['127.0.0.1'] }, async () => {
      // Every test request comes from the loopback address.
      const res = await answer(forum.browser(), slug, fresh(), { json: true });
      expect(await stored(res.body.id)).toMatchObject({ held_by_rule: 'moderation-words' });
    });
    await withSettings({ moderationWords: ['spammy.example'] }, async () => {
      const res = await answer(forum.browser(), slug, { ...fresh(), url: 'https://spammy.example' }, { json: true });
      expect(await stored(res.body.id)).toMatchObject({ held_by_rule: 'moderation-words' });
    });
  });

  it('sends a comment with a disallowed word to spam, telling the poster only that it waits', async () => {
    await withSettings({ disallowedWords: ['pills'] }, async () => {
      const res = await answer(forum.browser(), slug, { ...fresh(), body: 'cheap PILLS here' }, { json: true });
      expect(res.status).toBe(201);
      expect(res.body.status).toBe('pending');
      // Its html says the same as its status: awaiting moderation, as a held comment's does.
      expect(res.body.html).toContain('comment--pending');
      expect(res.body.html).toContain('Your comment is awaiting moderation.');
      expect(res.body.html).not.toContain('Report<span');
      expect(await stored(res.body.id)).toEqual({ status: 'spam', held_by_rule: 'disallowed-words' });
      const page = await forum.browser().get(`/questions/${slug}`);
      expect(page.text).not.toContain('cheap PILLS');
    });
  });

  it('holds the first comment from a new email, and not once one is approved', async () => {
    await withSettings({ holdNewEmails: true }, async () => {
      const person = fresh();
      const first = commentIdFrom(await answer(forum.browser(), slug, person));
      expect(await stored(first)).toEqual({ status: 'pending', held_by_rule: 'new-email' });
      await forum.db.updateTable('comments').set({ status: 'approved' }).where('id', '=', first).execute();
      const second = commentIdFrom(
        await answer(forum.browser(), slug, { email: person.email.toUpperCase(), body: 'Second one.' }),
      );
      expect(await stored(second)).toEqual({ status: 'approved', held_by_rule: null });
    });
  });

  it('refuses a duplicate from the same person on the same question, and allows it elsewhere', async () => {
    await withSettings({ duplicateCheck: true }, async () => {
      const person = fresh();
      expect((await answer(forum.browser(), slug, person)).status).toBe(303);
      const again = await answer(forum.browser(), slug, { ...person, email: 'other@example.org' });
      expect(again.status).toBe(409);
      expect(again.text).toContain('You have already posted this answer here');
      expect(again.text).toContain(`${person.body}</textarea>`);
      const json = await answer(forum.browser(), slug, person, { json: true });
      expect(json.status).toBe(409);
      expect(json.body.errors.form).toContain('already posted');
      expect((await answer(forum.browser(), 'what-is-concluded', person)).status).toBe(303);
      expect(
        (await answer(forum.browser(), slug, { ...fresh(), author: 'Someone Else', body: person.body })).status,
      ).toBe(303);
    });
  });

  it('turns the sum off, keeping the minimum time', async () => {
    await withSettings({ captchaEnabled: false }, async () => {
      const browser = forum.browser();
      const page = await browser.get(`/questions/${slug}`);
      expect(page.text).not.toContain('for="captcha_answer"');
      const token = /name="captcha_token" value="([^"]*)"/.exec(page.text)?.[1];
      const csrf = /name="_csrf" value="([^"]*)"/.exec(page.text)?.[1];
      const res = await browser
        .post(`/questions/${slug}/comments`)
        .type('form')
        .send({ author: 'No Sum', ...fresh(), captcha_token: token, homepage: '', _csrf: csrf });
      expect(res.status).toBe(303);
      await withSettings({ captchaMinSeconds: 60 }, async () => {
        const again = await browser.get(`/questions/${slug}`);
        const late = /name="captcha_token" value="([^"]*)"/.exec(again.text)?.[1];
        const quick = await browser
          .post(`/questions/${slug}/comments`)
          .type('form')
          .send({ author: 'No Sum', ...fresh(), captcha_token: late, homepage: '', _csrf: csrf });
        expect(quick.status).toBe(422);
        expect(quick.text).toContain('quicker than a person can type');
      });
    });
    expect(readForm((await forum.browser().get(`/questions/${slug}`)).text).label).toMatch(/=$/);
  });

  it('applies the thread settings: comments per page and depth', async () => {
    await withSettings({ commentsPerPage: 1 }, async () => {
      const page = await forum.browser().get(`/questions/${slug}`);
      expect(page.text).toContain('class="pagination');
    });
  });
});

describe('the flood rule', () => {
  it('refuses a second comment from the same IP or email within the interval', async () => {
    const flood = await startTestForum({ MODERATION_FLOOD_SECONDS: '15' });
    try {
      const browser = flood.browser();
      expect((await answer(browser, slug, { email: 'fast@example.org', body: 'first' })).status).toBe(303);
      const second = await answer(browser, slug, { email: 'fast@example.org', body: 'second' });
      expect(second.status).toBe(429);
      expect(second.text).toContain('You are posting comments too quickly');
      expect(second.text).toContain('second</textarea>');
      // Another browser, another email, but the same IP (every test request is from loopback).
      const sameIp = await answer(flood.browser(), 'what-is-concluded', { email: 'other@example.org', body: 'x' });
      expect(sameIp.status).toBe(429);
      // Once the interval has passed, as if the first comment were older.
      await sql`update comments set created_at = now() - interval '16 seconds' where email = 'fast@example.org'`.execute(
        flood.db,
      );
      expect((await answer(browser, slug, { email: 'fast@example.org', body: 'third' })).status).toBe(303);
    } finally {
      await flood.close();
    }
  });
});
