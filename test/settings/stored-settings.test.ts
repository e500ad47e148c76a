import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventLog } from '../../src/events/event-log.js';
import { createSettingsService } from '../../src/settings/settings.service.js';
import { startTestForum, type TestForum, testConfig } from '../support/forum.js';
import { addModerator } from '../support/moderators.js';

let forum: TestForum;
let admin: Awaited<ReturnType<typeof addModerator>>;
beforeAll(async () => {
  forum = await startTestForum();
  admin = await addModerator(forum, 'admin');
});
afterAll(() => forum.close());

const storedKeys = async () =>
  (await forum.db.selectFrom('settings').select('key').orderBy('key').execute()).map((row) => row.key);

describe('saving /mod/settings', () => {
  it('stores only what the admin changed, so later environment defaults still apply', async () => {
    const current = await forum.settings.current();
    // The whole form, as a browser sends it, with one setting changed.
    const { benchDisableCaptcha: _b, captchaTtlMinutes: _t, ...form } = current;
    await forum.settings.update({ ...form, linkLimit: current.linkLimit + 3 }, admin);
    expect(await storedKeys()).toEqual(['linkLimit']);

    // A process started later with other environment defaults follows them for the rest.
    const later = createSettingsService(
      forum.db,
      createEventLog(forum.database, pino({ level: 'silent' })),
      testConfig({ MODERATION_REPORT_THRESHOLD: '9', MODERATION_HOLD_ALL: 'true' }).forum,
    );
    expect(await later.current()).toMatchObject({
      reportThreshold: 9,
      holdAll: true,
      linkLimit: current.linkLimit + 3,
    });
  });

  it('forgets a setting put back to the environment default, and writes nothing when nothing changed', async () => {
    const current = await forum.settings.current();
    const defaultLinkLimit = forum.config.forum.linkLimit;
    await forum.settings.update({ linkLimit: defaultLinkLimit }, admin);
    expect(await storedKeys()).toEqual([]);
    const logged = await forum.db.selectFrom('moderation_log').select('id').where('action', '=', 'settings').execute();
    await forum.settings.update({ holdAll: current.holdAll, linkLimit: defaultLinkLimit }, admin);
    const after = await forum.db.selectFrom('moderation_log').select('id').where('action', '=', 'settings').execute();
    expect(after.length).toBe(logged.length);
  });

  it('is relayed to every process: another one reads the new rules at once', async () => {
    const otherLog = createEventLog(forum.database, pino({ level: 'silent' }));
    await otherLog.start();
    const other = createSettingsService(forum.db, otherLog, forum.config.forum);
    expect((await other.current()).holdAll).toBe(false);
    await forum.settings.update({ holdAll: true }, admin);
    await otherLog.poke();
    expect((await other.current()).holdAll).toBe(true);
    await forum.settings.update({ holdAll: false }, admin);
    await otherLog.stop();
  });
});
