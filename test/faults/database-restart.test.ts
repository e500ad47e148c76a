import { pino } from 'pino';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectServer } from '../../src/db/connect.js';
import { type RunningForum, startForum } from '../../src/server.js';
import { usingServer } from '../support/database.js';
import { solveCaptchaLabel } from '../support/form.js';
import { testConfig } from '../support/forum.js';
import { canRunThrowawayCluster, createThrowawayCluster, type ThrowawayCluster } from '../support/throwaway-cluster.js';

const slug = 'what-is-concluded';

// The server pass's fault: a PostgreSQL cluster of the test's own is stopped and started.
describe.runIf(canRunThrowawayCluster() && usingServer())('PostgreSQL going away and coming back', () => {
  let cluster: ThrowawayCluster;
  let forum: RunningForum;

  beforeAll(async () => {
    cluster = await createThrowawayCluster();
    forum = await startForum(
      testConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: cluster.url }),
      pino({ level: 'silent' }),
    );
  }, 60_000);
  afterAll(async () => {
    await forum?.stop();
    cluster?.destroy();
  });

  /** One answer through the JSON API; the captcha comes from its own endpoint. */
  async function post(n: number): Promise<{ status: number; id?: number; message?: string }> {
    const agent = supertest.agent(forum.url);
    const captcha = await agent.get(`/api/questions/${slug}/captcha`);
    if (captcha.status !== 200) return { status: captcha.status, message: captcha.body?.message };
    const res = await agent
      .post(`/questions/${slug}/comments`)
      .set('Accept', 'application/json')
      .type('form')
      .send({
        author: `Stream ${n}`,
        email: 's@example.org',
        body: `Post ${n}`,
        captcha_answer: String(solveCaptchaLabel(captcha.body.label)),
        captcha_token: captcha.body.token,
        _csrf: captcha.body.csrf_token,
      });
    return { status: res.status, id: res.body?.id, message: res.body?.message };
  }

  it('keeps every answered post, answers 503 while it is away, and recovers without a restart', async () => {
    const results: { status: number; id?: number; message?: string }[] = [];
    for (let n = 0; n < 20; n += 1) results.push(await post(n));

    cluster.stop();
    const health = await supertest(forum.url).get('/healthz');
    expect(health.status).toBe(503);
    expect(health.body.database).toBe('unreachable');
    for (let n = 20; n < 30; n += 1) results.push(await post(n));
    const page = await supertest(forum.url).get(`/questions/${slug}`);
    expect(page.status).toBe(503);
    expect(page.text).toContain('Please try again in a minute');
    expect(page.headers['retry-after']).toBeDefined();

    cluster.start();
    let recovered = false;
    for (let attempt = 0; attempt < 50 && !recovered; attempt += 1) {
      recovered = (await supertest(forum.url).get('/healthz')).status === 200;
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(recovered).toBe(true);
    for (let n = 30; n < 50; n += 1) results.push(await post(n));

    const accepted = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status !== 201);
    console.log(
      `database restart: ${accepted.length} accepted, ${refused.length} refused (${[...new Set(refused.map((r) => r.status))]})`,
    );
    expect(refused.every((r) => r.status === 503)).toBe(true);
    expect(refused.length).toBeGreaterThanOrEqual(10);
    expect(results.slice(30).every((r) => r.status === 201)).toBe(true);

    const check = connectServer(cluster.url, 1);
    const stored = await check.db.selectFrom('comments').select('id').execute();
    await check.close();
    const ids = new Set(stored.map((row) => row.id));
    for (const post of accepted) expect(ids.has(post.id as number), `comment ${post.id}`).toBe(true);
  }, 120_000);
});
