import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestForum, type TestForum } from '../support/forum.js';

let forum: TestForum;
beforeAll(async () => {
  forum = await startTestForum();
});
afterAll(() => forum.close());

describe('static files', () => {
  it('are linked by content-hashed names and cached for a year', async () => {
    const page = await forum.browser().get('/').expect(200);
    const css = /<link rel="stylesheet" href="(\/css\/site\.[0-9a-f]{10}\.css)">/.exec(page.text)?.[1];
    expect(css).toBeDefined();
    const res = await forum
      .browser()
      .get(css as string)
      .expect(200)
      .expect('content-type', /text\/css/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answer a stale hash with 404 and the plain name with a short cache', async () => {
    await forum.browser().get('/css/site.0000000000.css').expect(404);
    const plain = await forum.browser().get('/css/site.css').expect(200);
    expect(plain.headers['cache-control']).toBe('public, max-age=3600');
  });

  it.each([
    '/../package.json',
    '/css/../../package.json',
    '/%2e%2e/package.json',
    '/css/%2e%2e/%2e%2e/package.json',
    '/..%2fpackage.json',
    '/css/..%5c..%5cpackage.json',
    '/.env',
    '/js/../../src/config.ts',
  ])('never serve files outside public/: %s', async (path) => {
    const res = await forum.browser().get(path);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.text).not.toContain('"name": "open-questions"');
    expect(res.text).not.toContain('SESSION_SECRET');
  });
});
