import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { usingServer } from '../support/database.js';
import { answer, commentIdFrom, readForm } from '../support/form.js';
import { spawnForum } from '../support/process.js';

const slug = 'what-is-concluded';

// Embedded-mode behaviour: run in the embedded pass (the server pass has its own faults).
describe.runIf(!usingServer())('the embedded database when the process dies', () => {
  it('keeps a comment answered with a 303 through kill -9', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'oq-kill9-'));
    const first = await spawnForum({ DATA_DIR: dataDir });
    const res = await answer(supertest.agent(first.url), slug, { body: 'Written just before the crash' });
    expect(res.status).toBe(303);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const second = await spawnForum({ DATA_DIR: dataDir });
    try {
      const page = await supertest(second.url).get(`/questions/${slug}`).expect(200);
      expect(page.text).toContain(`id="comment-${commentIdFrom(res)}"`);
      expect(page.text).toContain('Written just before the crash');
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 90_000);
});

describe.runIf(!usingServer())('SIGTERM', () => {
  it('finishes the posts in flight, loses no accepted comment and exits within 10 s', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'oq-sigterm-'));
    const forum = await spawnForum({ DATA_DIR: dataDir });
    // Forms fetched first, so what is in flight at the signal is posts.
    const browsers = Array.from({ length: 30 }, () => supertest.agent(forum.url));
    const forms = await Promise.all(
      browsers.map(async (browser) => readForm((await browser.get(`/questions/${slug}`)).text)),
    );
    let answered = 0;
    let signalledAt = 0;
    const posts = browsers.map((browser, n) =>
      browser
        .post(forms[n]?.action as string)
        .type('form')
        .send({
          author: `P${n}`,
          email: 'p@example.org',
          body: `In flight ${n}`,
          captcha_answer: forms[n]?.answer,
          captcha_token: forms[n]?.token,
          _csrf: forms[n]?.csrf,
        })
        .then(
          (response) => ({ n, status: response.status, id: response.status === 303 ? commentIdFrom(response) : null }),
          () => ({ n, status: 0, id: null }),
        )
        .finally(() => {
          answered += 1;
          // Signal once a few have been answered: the rest are in flight.
          if (answered === 3) {
            signalledAt = Date.now();
            forum.child.kill('SIGTERM');
          }
        }),
    );
    const results = await Promise.all(posts);
    const code = await forum.exited;
    const exitMs = Date.now() - signalledAt;
    const accepted = results.filter((r) => r.id !== null).length;
    console.log(`SIGTERM: exit ${code} after ${exitMs} ms; ${accepted} of ${results.length} posts accepted`);
    expect(code).toBe(0);
    expect(accepted).toBeGreaterThan(3);
    expect(exitMs).toBeLessThan(10_000);

    const restarted = await spawnForum({ DATA_DIR: dataDir });
    try {
      const api = await supertest(restarted.url).get(`/api/questions/${slug}/comments`).expect(200);
      const stored = new Set(api.body.comments.map((c: { id: number }) => c.id));
      for (const result of results)
        if (result.id !== null) expect(stored.has(result.id), `comment ${result.id}`).toBe(true);
      // Nothing half-answered: every post either got its 303 or no answer at all.
      for (const result of results) expect([0, 303, 503]).toContain(result.status);
    } finally {
      restarted.child.kill('SIGTERM');
      await restarted.exited;
    }
  }, 120_000);
});
