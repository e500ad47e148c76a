import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseTrustProxy } from '../src/config.js';

describe('loadConfig', () => {
  it('has a default for everything but the production secret', () => {
    const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(32) });
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      trustProxy: false,
      forum: { maxThreadDepth: 5, commentsPerPage: 100, captchaMinSeconds: 3, holdAll: false, linkLimit: 2 },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the keep-alive timeout in seconds, refusing zero', () => {
    const base = { NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(32) } as const;
    expect(loadConfig(base).keepAliveTimeoutMs).toBe(65_000);
    expect(loadConfig({ ...base, KEEP_ALIVE_TIMEOUT_SECONDS: '620' }).keepAliveTimeoutMs).toBe(620_000);
    expect(() => loadConfig({ ...base, KEEP_ALIVE_TIMEOUT_SECONDS: '0' })).toThrow(/KEEP_ALIVE_TIMEOUT_SECONDS/);
  });

  it('takes the origin posts may come from from PUBLIC_URL, and only when it is set', () => {
    const base = { NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(32) } as const;
    expect(loadConfig(base).publicOrigin).toBeUndefined();
    expect(loadConfig({ ...base, PUBLIC_URL: 'https://Forum.example.org/questions/' }).publicOrigin).toBe(
      'https://forum.example.org',
    );
  });

  it('requires SESSION_SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'short' })).toThrow(/at least 32/);
  });

  it('lets only a benchmark outside production post without captchas', () => {
    const secret = { SESSION_SECRET: 'x'.repeat(32) };
    expect(loadConfig({ NODE_ENV: 'test', ...secret }).forum.benchDisableCaptcha).toBe(false);
    expect(
      loadConfig({ NODE_ENV: 'development', ...secret, BENCH_DISABLE_CAPTCHA: 'true' }).forum.benchDisableCaptcha,
    ).toBe(true);
    expect(() => loadConfig({ NODE_ENV: 'production', ...secret, BENCH_DISABLE_CAPTCHA: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', ...secret, BENCH_DISABLE_CAPTCHA: '1' })).toThrow(
      /BENCH_DISABLE_CAPTCHA/,
    );
    expect(loadConfig({ NODE_ENV: 'production', ...secret, BENCH_DISABLE_CAPTCHA: 'false' }).env).toBe('production');
  });

  it('refuses values it cannot use, naming them', () => {
    expect(() => loadConfig({ SESSION_SECRET: 'x'.repeat(32), PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ SESSION_SECRET: 'x'.repeat(32), DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });

  it('reads TRUST_PROXY in Express syntax', () => {
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('loopback, 10.0.0.0/8')).toBe('loopback, 10.0.0.0/8');
  });
});
