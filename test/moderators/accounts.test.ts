import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModeratorAccounts } from '../../src/moderators/moderator.service.js';
import { startTestForum, type TestForum } from '../support/forum.js';
import { signIn } from '../support/moderators.js';

let forum: TestForum;
beforeAll(async () => {
  forum = await startTestForum();
});
afterAll(() => forum.close());

describe('moderator accounts (what npm run moderator calls)', () => {
  it('refuses a weak password, a bad email and a duplicate', async () => {
    const accounts = createModeratorAccounts(forum.db);
    const good = { email: 'kim@example.org', name: 'Kim', role: 'moderator' as const, password: 'twelve chars!' };
    await expect(accounts.addModerator({ ...good, password: 'short' })).rejects.toThrow(/at least 12/);
    await expect(accounts.addModerator({ ...good, email: 'not-an-email' })).rejects.toThrow(/correct format/);
    await accounts.addModerator(good);
    await expect(accounts.addModerator({ ...good, email: 'KIM@example.org' })).rejects.toThrow(/already/);
    expect((await accounts.list()).map((m) => m.email)).toContain('kim@example.org');
  });

  it('resetting a password signs the account out everywhere; removing it ends its sessions', async () => {
    const accounts = createModeratorAccounts(forum.db);
    const { browser, moderator } = await signIn(forum);
    await accounts.resetPassword(moderator.email, 'a brand new password');
    expect((await browser.get('/mod')).status).toBe(303);
    const login = await forum
      .browser()
      .post('/login')
      .type('form')
      .send({ email: moderator.email, password: 'a brand new password' });
    expect(login.status).toBe(303);
    await accounts.removeModerator(moderator.email);
    await expect(accounts.removeModerator(moderator.email)).rejects.toThrow(/no moderator/);
  });
});
