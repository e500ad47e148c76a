import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/paths.js';
import { solveCaptchaLabel } from '../support/form.js';

export const SCREENSHOTS = path.join(PROJECT_ROOT, 'test-results');

/** Debian's Chromium, headless, with nothing reaching outside this machine. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Records anything a page should never do: dialogs, script errors, CSP violations. */
export function watchForTrouble(page: Page): string[] {
  const trouble: string[] = [];
  page.on('dialog', async (dialog) => {
    trouble.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on('pageerror', (error) => trouble.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') trouble.push(`console: ${message.text()}`);
  });
  return trouble;
}

/** Fills the comment form the way a person does, solving the sum from its label. */
export async function fillAnswer(
  page: Page,
  scope: string,
  fields: { author: string; email: string; body: string },
): Promise<void> {
  const form = page.locator(`${scope} form[data-comment-form]`);
  await form.locator('#author').fill(fields.author);
  await form.locator('#email').fill(fields.email);
  await form.locator('#body').fill(fields.body);
  const label = (await form.locator('label[for="captcha_answer"]').textContent()) ?? '';
  await form.locator('#captcha_answer').fill(String(solveCaptchaLabel(label)));
}
