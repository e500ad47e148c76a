import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database.js';
import { startLiveForum } from '../support/live.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

/** The Keep-Alive header a response carries: what the server tells clients and balancers. */
function keepAliveHeader(url: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/healthz`, { headers: { Connection: 'keep-alive' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers['keep-alive']?.toString()));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('idle keep-alive connections', () => {
  it('stay open 65 s by default, above common load balancers’ 60 s, not Node’s 5 s', async () => {
    const forum = await startLiveForum({}, database);
    try {
      expect(await keepAliveHeader(forum.url)).toBe('timeout=65');
      expect(forum.server.keepAliveTimeout).toBe(65_000);
      expect(forum.server.headersTimeout).toBeGreaterThan(65_000);
      expect(forum.server.requestTimeout).toBeGreaterThan(forum.server.headersTimeout);
    } finally {
      forum.io.close();
      forum.server.close();
    }
  });

  it('stay open as long as KEEP_ALIVE_TIMEOUT_SECONDS says', async () => {
    const forum = await startLiveForum({ KEEP_ALIVE_TIMEOUT_SECONDS: '620' }, database);
    try {
      expect(await keepAliveHeader(forum.url)).toBe('timeout=620');
      expect(forum.server.headersTimeout).toBeGreaterThan(620_000);
      expect(forum.server.requestTimeout).toBeGreaterThan(forum.server.headersTimeout);
    } finally {
      forum.io.close();
      forum.server.close();
    }
  });
});
