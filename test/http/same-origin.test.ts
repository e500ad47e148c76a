import { io as connect } from 'socket.io-client';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database.js';
import { answer } from '../support/form.js';
import { startLiveForum } from '../support/live.js';

// http, so the test's cookie jar sends back the cookies an https forum marks Secure.
const PUBLIC_URL = 'http://forum.example.org';
const slug = 'who-is-involved-in-the-discussion';

// Two forums on one database: one behind a proxy (PUBLIC_URL set), one reached directly.
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let proxied: Awaited<ReturnType<typeof startLiveForum>>;
let direct: Awaited<ReturnType<typeof startLiveForum>>;
beforeAll(async () => {
  database = await createTestDatabase();
  proxied = await startLiveForum({ PUBLIC_URL }, database);
  direct = await startLiveForum({}, database);
});
afterAll(async () => {
  for (const forum of [proxied, direct]) {
    forum.io.close();
    forum.server.close();
  }
  await database.close();
});

/** What a Socket.IO client over WebSocket gets: 'connected', or the error it was refused with. */
function connectFrom(url: string, origin?: string): Promise<string> {
  const socket = connect(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: origin ? { Origin: origin } : {},
  });
  return new Promise((resolve) => {
    socket.on('connect', () => {
      socket.close();
      resolve('connected');
    });
    socket.on('connect_error', (error) => {
      socket.close();
      resolve(error.message);
    });
  });
}

/** The status of a Socket.IO long-polling handshake sent with these headers. */
async function pollingHandshake(url: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers });
  await res.arrayBuffer();
  return res.status;
}

describe('the same-origin check behind a proxy that rewrites Host', () => {
  it('accepts a post whose Origin is PUBLIC_URL, whatever Host the proxy sends', async () => {
    const browser = supertest.agent(proxied.url).set('Host', '127.0.0.1:3001').set('Origin', PUBLIC_URL);
    const res = await answer(browser, slug, { body: 'Posted through the proxy' });
    expect(res.status).toBe(303);
  });

  it('refuses a post whose Origin is not PUBLIC_URL, even when it matches Host', async () => {
    const host = '127.0.0.1:3001';
    const fromHost = supertest.agent(proxied.url).set('Host', host).set('Origin', `http://${host}`);
    expect((await answer(fromHost, slug)).status).toBe(403);
    const otherScheme = supertest.agent(proxied.url).set('Referer', 'https://forum.example.org/questions/x');
    expect((await answer(otherScheme, slug)).status).toBe(403);
    const evil = supertest.agent(proxied.url).set('Origin', 'https://evil.example');
    expect((await answer(evil, slug)).status).toBe(403);
  });

  it('compares with Host when PUBLIC_URL is not set', async () => {
    const same = supertest.agent(direct.url).set('Origin', `http://${new URL(direct.url).host}`);
    expect((await answer(same, slug)).status).toBe(303);
    const evil = supertest.agent(direct.url).set('Origin', 'https://evil.example');
    expect((await answer(evil, slug)).status).toBe(403);
  });
});

describe('Socket.IO connections from another origin', () => {
  it('refuses a WebSocket from another site, as HTTP refuses its posts', async () => {
    expect(await connectFrom(direct.url, 'https://evil.example')).not.toBe('connected');
    expect(await connectFrom(proxied.url, 'https://evil.example')).not.toBe('connected');
    expect(await connectFrom(proxied.url, 'null')).not.toBe('connected');
  });

  it('accepts the forum’s own origin, and clients that send none', async () => {
    expect(await connectFrom(direct.url, `http://${new URL(direct.url).host}`)).toBe('connected');
    expect(await connectFrom(proxied.url, PUBLIC_URL)).toBe('connected');
    expect(await connectFrom(direct.url)).toBe('connected');
  });

  it('applies the same rule to long-polling requests', async () => {
    expect(await pollingHandshake(direct.url, { Origin: 'https://evil.example' })).toBe(403);
    expect(await pollingHandshake(proxied.url, { Origin: 'https://evil.example' })).toBe(403);
    expect(await pollingHandshake(proxied.url, { Origin: PUBLIC_URL, Host: '127.0.0.1:3001' })).toBe(200);
    expect(await pollingHandshake(direct.url, {})).toBe(200);
  });
});
