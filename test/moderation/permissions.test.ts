import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, commentIdFrom } from '../support/form.js';
import { startTestForum, type TestForum } from '../support/forum.js';
import { type SignedIn, signIn } from '../support/moderators.js';

let forum: TestForum;
let moderator: SignedIn;
let admin: SignedIn;
let commentId: number;
beforeAll(async () => {
  forum = await startTestForum();
  moderator = await signIn(forum, 'moderator');
  admin = await signIn(forum, 'admin');
  commentId = commentIdFrom(await answer(forum.browser(), 'what-is-concluded'));
});
afterAll(() => forum.close());

/** Routes only admins may use. Every other /mod route is for any moderator. */
const ADMIN_ONLY = new Set([
  'GET /mod/settings',
  'POST /mod/settings',
  'POST /mod/bans/:id/lift',
  'GET /mod/mail',
  'POST /mod/mail/:id/retry',
]);

interface Layer {
  route?: { path: string | RegExp; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every route the app has, read from Express's own router: new routes are covered without editing this test. */
function routesOf(stack: Layer[]): { method: string; path: string | RegExp }[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const { path, methods } = layer.route;
      return Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path }));
    }
    return layer.handle?.stack ? routesOf(layer.handle.stack) : [];
  });
}

function modRoutes() {
  const stack = (forum.app as unknown as { router: { stack: Layer[] } }).router.stack;
  return (
    routesOf(stack)
      // Routes matched by a pattern (the hashed static files) are not /mod routes.
      .flatMap(({ method, path }) => (typeof path === 'string' ? [{ method, path }] : []))
      .filter(({ path }) => path === '/mod' || path.startsWith('/mod/'))
      .map(({ method, path }) => ({
        method,
        path,
        key: `${method} ${path}`,
        url: path.replace(/:id\b/g, String(commentId)).replace(/:\w+/g, '1'),
      }))
  );
}

function request(browser: SignedIn['browser'], method: string, url: string) {
  return method === 'GET' ? browser.get(url) : browser.post(url).type('form');
}

describe('the /mod routes', () => {
  it('are found in the router', () => {
    const keys = modRoutes().map((route) => route.key);
    expect(keys).toContain('GET /mod');
    expect(keys).toContain('POST /mod/comments/:id/approve');
    expect(keys).toContain('POST /mod/comments/:id/delete');
    expect(keys.length).toBeGreaterThan(8);
    for (const key of ADMIN_ONLY) expect(keys).toContain(key);
  });

  it('refuse a signed-out client: pages redirect to /login, everything else is a 401', async () => {
    for (const route of modRoutes()) {
      const res = await request(forum.browser(), route.method, route.url).send({});
      if (route.method === 'GET') {
        expect(res.status, route.key).toBe(303);
        expect(res.headers.location, route.key).toBe(`/login?next=${encodeURIComponent(route.url)}`);
        const json = await forum.browser().get(route.url).set('Accept', 'application/json');
        expect(json.status, `${route.key} (JSON)`).toBe(401);
      } else {
        expect(res.status, route.key).toBe(401);
      }
    }
  });

  it('refuse a moderator on admin-only routes with 403, and let them use the rest', async () => {
    for (const route of modRoutes()) {
      const res = await request(moderator.browser, route.method, route.url).send({ _csrf: moderator.csrf });
      if (ADMIN_ONLY.has(route.key)) expect(res.status, route.key).toBe(403);
      else expect([401, 403], route.key).not.toContain(res.status);
    }
  });

  it('let an admin use the admin-only routes', async () => {
    for (const route of modRoutes().filter((r) => ADMIN_ONLY.has(r.key) && r.method === 'GET')) {
      expect((await admin.browser.get(route.url)).status, route.key).toBe(200);
    }
  });

  it('refuse every state change with a missing or wrong CSRF token, changing nothing', async () => {
    const before = await forum.db.selectFrom('comments').select(['id', 'status']).orderBy('id').execute();
    const logBefore = await forum.db.selectFrom('moderation_log').select('id').execute();
    for (const route of modRoutes().filter((r) => r.method !== 'GET')) {
      const missing = await admin.browser
        .post(route.url)
        .type('form')
        .send({ ids: String(commentId) });
      expect(missing.status, `${route.key} without a token`).toBe(403);
      const wrong = await admin.browser
        .post(route.url)
        .type('form')
        .send({ _csrf: `${admin.csrf}x` });
      expect(wrong.status, `${route.key} with a wrong token`).toBe(403);
      const otherSession = await admin.browser.post(route.url).type('form').send({ _csrf: moderator.csrf });
      expect(otherSession.status, `${route.key} with another session's token`).toBe(403);
    }
    expect(await forum.db.selectFrom('comments').select(['id', 'status']).orderBy('id').execute()).toEqual(before);
    expect(await forum.db.selectFrom('moderation_log').select('id').execute()).toEqual(logBefore);
  });

  it('refuse a cross-site post whatever token it carries', async () => {
    const res = await admin.browser
      .post(`/mod/comments/${commentId}/trash`)
      .set('Origin', 'https://evil.example')
      .type('form')
      .send({ _csrf: admin.csrf });
    expect(res.status).toBe(403);
  });
});
