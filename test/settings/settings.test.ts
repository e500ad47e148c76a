import { describe, expect, it } from 'vitest';
import { mergeSettings, parseSettingsForm, settingsFormValues } from '../../src/settings/settings.js';
import { testConfig } from '../support/forum.js';

const defaults = testConfig().forum;
const form = { ...settingsFormValues(defaults), holdAll: 'on' } as Record<string, unknown>;
for (const key of Object.keys(form)) if (form[key] === false) delete form[key];
for (const key of Object.keys(form)) if (form[key] === true) form[key] = 'on';

describe('the settings form', () => {
  it('reads checkboxes, numbers and one word per line', () => {
    const parsed = parseSettingsForm({
      ...form,
      moderationWords: 'casino\r\n\r\n  cheap pills \ncasino',
      linkLimit: '4',
    });
    expect(parsed).toMatchObject({
      ok: true,
      change: { holdAll: true, holdNewEmails: false, linkLimit: 4, moderationWords: ['casino', 'cheap pills'] },
    });
  });

  it('says what is wrong with a number out of range, keeping what was typed', () => {
    const parsed = parseSettingsForm({ ...form, floodSeconds: 'soon', maxThreadDepth: '99' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.floodSeconds).toContain('Enter a number of seconds');
    expect(parsed.errors.maxThreadDepth).toContain('from 1 to 20');
    expect(parsed.values.floodSeconds).toBe('soon');
  });
});

describe('mergeSettings', () => {
  it('puts stored values over the defaults and ignores unreadable ones', () => {
    const merged = mergeSettings(
      defaults,
      new Map<string, unknown>([
        ['linkLimit', 7],
        ['holdAll', 'yes please'],
        ['unknown', 1],
      ]),
    );
    expect(merged.linkLimit).toBe(7);
    expect(merged.holdAll).toBe(defaults.holdAll);
    expect(merged.captchaTtlMinutes).toBe(defaults.captchaTtlMinutes);
  });
});

describe('a checkbox sent as JSON', () => {
  it('is off when it says false, "false", "0" or "off", and on when true or "on"', () => {
    for (const off of [false, 'false', '0', 'off', '', undefined]) {
      const parsed = parseSettingsForm({ ...form, holdAll: off });
      expect(parsed.ok && parsed.change.holdAll, String(off)).toBe(false);
    }
    for (const on of [true, 'on', 'true', '1']) {
      const parsed = parseSettingsForm({ ...form, holdAll: on });
      expect(parsed.ok && parsed.change.holdAll, String(on)).toBe(true);
    }
  });
});
