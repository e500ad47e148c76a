import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEventLog } from '../../src/events/event-log.js';
import { createBanService } from '../../src/moderation/ban.service.js';
import { answer, commentIdFrom } from '../support/form.js';
import { startTestForum, type TestForum } from '../support/forum.js';
import { type SignedIn, signIn } from '../support/moderators.js';

let forum: TestForum;
let mod: SignedIn;
let admin: SignedIn;
beforeAll(async () => {
  forum = await startTestForum();
  [mod, admin] = await Promise.all([signIn(forum), signIn(forum, 'admin')]);
});
afterAll(() => forum.close());

const slug = 'who-is-involved-in-the-discussion';

function ban(who: SignedIn, fields: Record<string, string>) {
  return who.browser
    .post('/mod/bans')
    .type('form')
    .send({ _csrf: who.csrf, return: '/mod/bans', reason: 'Abuse', days: '', ...fields });
}

async function banIdOf(value: string) {
  return (await forum.db.selectFrom('bans').select('id').where('value', '=', value).executeTakeFirstOrThrow()).id;
}

async function attempts(banId: number) {
  return forum.db.selectFrom('ban_attempts').selectAll().where('ban_id', '=', banId).execute();
}

describe('bans', () => {
  it('refuse a banned email with a plain 403, keep what was typed, and record the attempt', async () => {
    const res = await ban(mod, { target: 'Troll@Example.org' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/mod/bans');
    expect((await mod.browser.get('/mod/bans')).text).toContain('Banned troll@example.org.');
    const refused = await answer(forum.browser(), slug, { email: 'troll@example.org', body: 'Let me in' });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('You cannot comment here');
    expect(refused.text).toContain('Let me in</textarea>');
    const json = await answer(forum.browser(), slug, { email: 'TROLL@example.org' }, { json: true });
    expect(json.status).toBe(403);
    expect(json.body.errors.form).toBe('You cannot comment here');
    const recorded = await attempts(await banIdOf('troll@example.org'));
    expect(recorded).toHaveLength(2);
    expect(recorded[0]).toMatchObject({ email: 'troll@example.org' });
    expect((await answer(forum.browser(), slug, { email: 'friend@example.org' })).status).toBe(303);
  });

  it('refuse an IP range (IPv4) that contains the poster, and record it', async () => {
    // Every test request comes from the loopback address.
    await ban(mod, { target: '127.0.0.0/8' }).expect(303);
    const refused = await answer(forum.browser(), slug, { email: 'anyone@example.org' });
    expect(refused.status).toBe(403);
    const id = await banIdOf('127.0.0.0/8');
    expect((await attempts(id))[0]?.ip).toMatch(/127\.0\.0\.1/);
    await admin.browser.post(`/mod/bans/${id}/lift`).type('form').send({ _csrf: admin.csrf }).expect(303);
    expect((await answer(forum.browser(), slug, { email: 'anyone@example.org' })).status).toBe(303);
  });

  it('accepts single addresses and IPv6 ranges, written canonically', async () => {
    await ban(mod, { target: '2001:0DB8::/32' }).expect(303);
    await ban(mod, { target: '198.51.100.7' }).expect(303);
    const page = await mod.browser.get('/mod/bans').expect(200);
    expect(page.text).toContain('<code>2001:db8::/32</code> (IP range)');
    expect(page.text).toContain('<code>198.51.100.7</code> (IP)');
    // Neither contains the loopback address.
    expect((await answer(forum.browser(), slug, { email: 'v6@example.org' })).status).toBe(303);
  });

  it('stop applying when they expire, though each process keeps the bans in force', async () => {
    await ban(mod, { target: 'temporary@example.org', days: '1' }).expect(303);
    const expires = new Date(
      (
        await forum.db
          .selectFrom('bans')
          .select('expires_at')
          .where('value', '=', 'temporary@example.org')
          .executeTakeFirstOrThrow()
      ).expires_at as Date,
    ).getTime();
    try {
      // Thirty seconds before it expires the process reads the bans and keeps them for a minute...
      vi.useFakeTimers({ toFake: ['Date'], now: expires - 30_000 });
      expect((await answer(forum.browser(), slug, { email: 'temporary@example.org' })).status).toBe(403);
      // ...and a second after it expires, within that minute, the kept copy no longer refuses.
      vi.setSystemTime(expires + 1_000);
      expect((await answer(forum.browser(), slug, { email: 'temporary@example.org' })).status).toBe(303);
    } finally {
      vi.useRealTimers();
    }
  });

  it('made on one process refuse posts on another at once, and lifted there let them through', async () => {
    // Two processes' ban services on one database: they learn of each other's changes
    // only through the event log.
    const logs = [0, 1].map(() => createEventLog(forum.database, pino({ level: 'silent' }), { pollMs: 60_000 }));
    await Promise.all(logs.map((log) => log.start()));
    try {
      const [here, there] = logs.map((log) => createBanService(forum.db, log)) as [
        ReturnType<typeof createBanService>,
        ReturnType<typeof createBanService>,
      ];
      const poster = { email: 'elsewhere@example.org', ip: '203.0.113.9', questionId: 1 };
      // The other process has read the bans in force (none for this poster) and keeps them.
      await expect(there.refuseIfBanned(poster)).resolves.toBeUndefined();
      const made = await here.ban(
        { kind: 'ip', value: '203.0.113.0/24', reason: 'Abuse', expiresAt: null },
        mod.moderator,
      );
      await expect(here.refuseIfBanned(poster)).rejects.toMatchObject({ status: 403 });
      await vi.waitFor(() => expect(there.refuseIfBanned(poster)).rejects.toMatchObject({ status: 403 }), {
        timeout: 5_000,
      });
      await here.lift(made.id, admin.moderator);
      await vi.waitFor(() => expect(there.refuseIfBanned(poster)).resolves.toBeUndefined(), { timeout: 5_000 });
    } finally {
      await Promise.all(logs.map((log) => log.stop()));
    }
  });

  it('refuse a bad target, reason or duration with a message at each field', async () => {
    const res = await ban(mod, { target: 'not an address', reason: '', days: 'forever' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Enter an email address, an IP address');
    expect(res.text).toContain('Say why, for the other moderators');
    expect(res.text).toContain('Enter a whole number of days');
    expect(res.text).toContain('value="not an address"');
  });

  it('can be made from a queue row, prefilled with the comment’s email and network', async () => {
    const id = commentIdFrom(await answer(forum.browser(), slug, { email: 'prefill@example.org' }));
    const page = await mod.browser.get(`/mod/bans?comment=${id}`).expect(200);
    expect(page.text).toContain('value="prefill@example.org"');
    expect(page.text).toMatch(/<code>127\.0\.0\.0\/24<\/code>/);
  });

  it('are lifted by admins only, and both bans and lifts are in the audit log', async () => {
    await ban(mod, { target: 'lift-me@example.org' }).expect(303);
    const id = await banIdOf('lift-me@example.org');
    expect((await mod.browser.post(`/mod/bans/${id}/lift`).type('form').send({ _csrf: mod.csrf })).status).toBe(403);
    const page = await mod.browser.get('/mod/bans');
    expect(page.text).not.toContain(`action="/mod/bans/${id}/lift"`);
    expect((await admin.browser.get('/mod/bans')).text).toContain(`action="/mod/bans/${id}/lift"`);
    await admin.browser.post(`/mod/bans/${id}/lift`).type('form').send({ _csrf: admin.csrf }).expect(303);
    expect((await admin.browser.post(`/mod/bans/${id}/lift`).type('form').send({ _csrf: admin.csrf })).status).toBe(
      404,
    );
    const log = await forum.db
      .selectFrom('moderation_log')
      .select(['action', 'moderator_id', 'details'])
      .where('action', 'in', ['ban', 'lift-ban'])
      .orderBy('id')
      .execute();
    expect(log.filter((row) => JSON.stringify(row.details).includes('lift-me@example.org'))).toMatchObject([
      { action: 'ban', moderator_id: mod.moderator.id },
      { action: 'lift-ban', moderator_id: admin.moderator.id },
    ]);
  });
});
