import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_REMOVAL_REASONS, type ForumSettings, wordList } from './settings/forum-settings.js';

/**
 * The whole configuration, read from the environment once at start-up.
 * Every variable is documented in the README with its default.
 */
const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const flag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback)
    .transform((value) => value === 'true' || value === '1');

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: integer(3000, 0, 65535),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  KEEP_ALIVE_TIMEOUT_SECONDS: integer(65, 1, 3600),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  SEED_DIR: z.string().min(1).default('./seed'),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  TRUST_PROXY: z.string().default('false'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_THREAD_DEPTH: integer(5, 1, 20),
  COMMENTS_PER_PAGE: integer(100, 1, 500),
  CAPTCHA_MIN_SECONDS: integer(3, 0, 3600),
  CAPTCHA_TTL_MINUTES: integer(60, 1, 24 * 60),
  MODERATION_HOLD_ALL: flag('false'),
  MODERATION_LINK_LIMIT: integer(2, 0, 100),
  MODERATION_HOLD_NEW_EMAILS: flag('false'),
  MODERATION_WORDS: z.string().default(''),
  MODERATION_DISALLOWED_WORDS: z.string().default(''),
  MODERATION_FLOOD_SECONDS: integer(15, 0, 24 * 3600),
  MODERATION_DUPLICATE_CHECK: flag('true'),
  MODERATION_REPORT_THRESHOLD: integer(3, 1, 1000),
  CAPTCHA_ENABLED: flag('true'),
  SESSION_COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  MODERATOR_SESSION_IDLE_MINUTES: integer(60, 1, 7 * 24 * 60),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: integer(5, 1, 1000),
  LOGIN_MAX_FAILURES_PER_IP: integer(20, 1, 100000),
  LOGIN_LOCKOUT_MINUTES: integer(15, 1, 24 * 60),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  RATE_LIMIT_COMMENTS_PER_IP: integer(30, 1, 1_000_000),
  RATE_LIMIT_COMMENTS_PER_EMAIL: integer(10, 1, 1_000_000),
  RATE_LIMIT_CAPTCHAS_PER_IP: integer(120, 1, 1_000_000),
  RATE_LIMIT_LIVE_EVENTS_PER_IP: integer(600, 1, 1_000_000),
  RATE_LIMIT_REPORTS_PER_IP: integer(20, 1, 1_000_000),
  RATE_LIMIT_VOTES_PER_IP: integer(600, 1, 1_000_000),
  RATE_LIMIT_VOTES_PER_VISITOR: integer(120, 1, 1_000_000),
  MAP_MIN_VOTERS: integer(7, 3, 100_000),
  MAP_MIN_COMMENTS: integer(3, 2, 100_000),
  LIVE_MAX_FOLLOWS: integer(20, 1, 1000),
  LIVE_EVENTS_PER_SECOND: integer(5, 1, 1000),
  LIVE_EVENT_BURST: integer(20, 1, 10000),
  EVENT_RETENTION_DAYS: integer(7, 1, 3650),
  BENCH_DISABLE_CAPTCHA: flag('false'),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).optional(),
  MAIL_DIGEST_MINUTES: integer(60, 1, 7 * 24 * 60),
  MAIL_PER_MINUTE: integer(60, 1, 100_000),
  MAIL_MAX_ATTEMPTS: integer(8, 1, 100),
  MAIL_RETRY_BASE_SECONDS: integer(60, 1, 3600),
  MAIL_POLL_MS: integer(5_000, 20, 3_600_000),
});

export type Environment = z.input<typeof environmentSchema>;

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  /** Where people reach the forum, for share links and the feed (no trailing slash). */
  readonly publicUrl: string;
  /** PUBLIC_URL's origin when it is set: the one origin state-changing requests may come from. */
  readonly publicOrigin: string | undefined;
  /** How long an idle keep-alive connection stays open; above a load balancer's own idle timeout. */
  readonly keepAliveTimeoutMs: number;
  /** Absent: the embedded PostgreSQL (PGlite) under dataDir. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly seedDir: string;
  readonly sessionSecret: string;
  /** Express `trust proxy` value; false means X-Forwarded-For is ignored. */
  readonly trustProxy: boolean | number | string;
  readonly logLevel: string;
  readonly forum: ForumSettings;
  readonly signIn: SignInSettings;
  readonly live: LiveSettings;
  /** How long the event log keeps changes: a follower away longer reloads its thread. */
  readonly eventRetentionDays: number;
  /** Absent: rate limits are kept in PostgreSQL (or in memory, embedded). */
  readonly redisUrl: string | undefined;
  readonly rateLimits: RateLimitSettings;
  readonly mail: MailSettings;
}

/** Email (docs/EMAIL.md). */
export interface MailSettings {
  /** Absent: every message is written as an .eml file under DATA_DIR/outbox/. */
  readonly smtpUrl: string | undefined;
  /** Absent: "Open Questions <no-reply@host of PUBLIC_URL>". */
  readonly from: string | undefined;
  /** A question's follower gets at most one digest this often. */
  readonly digestMinutes: number;
  /** Messages sent per minute, across every process. */
  readonly perMinute: number;
  /** Tries before a message is kept as failed (for an admin to retry on /mod/mail). */
  readonly maxAttempts: number;
  /** The first retry's wait; each next one waits twice as long, at most an hour. */
  readonly retryBaseSeconds: number;
  /** How often the sender looks for due messages. */
  readonly pollMs: number;
}

/** How many of each per window (the windows are in src/limits/rate-limits.ts). */
export interface RateLimitSettings {
  readonly commentsPerIp: number;
  readonly commentsPerEmail: number;
  readonly captchasPerIp: number;
  readonly liveEventsPerIp: number;
  readonly reportsPerIp: number;
  readonly votesPerIp: number;
  readonly votesPerVisitor: number;
}

/** Limits on what one Socket.IO connection may ask. */
export interface LiveSettings {
  /** Questions one connection may follow at once. */
  readonly maxFollows: number;
  /** Sustained client events per second, and the burst allowed above it. */
  readonly eventsPerSecond: number;
  readonly eventBurst: number;
}

/** Moderators' sessions and the brakes on guessing their passwords. */
export interface SignInSettings {
  /** 'auto': the cookie is Secure when the request came over TLS (as `trust proxy` sees it). */
  readonly cookieSecure: boolean | 'auto';
  /** A session unused this long is over. */
  readonly idleMinutes: number;
  readonly maxFailuresPerAccount: number;
  readonly maxFailuresPerIp: number;
  /** The window failures are counted in, and how long a locked account or IP waits. */
  readonly lockoutMinutes: number;
}

export class ConfigError extends Error {}

export function loadConfig(environment: Environment | NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.BENCH_DISABLE_CAPTCHA && e.NODE_ENV === 'production') {
    // Without the captcha anyone can post in bulk: a benchmark setting must never reach a live forum.
    throw new ConfigError('BENCH_DISABLE_CAPTCHA is for benchmarks only and is refused when NODE_ENV=production.');
  }
  const dataDir = path.resolve(e.DATA_DIR);
  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    publicOrigin: e.PUBLIC_URL === undefined ? undefined : new URL(e.PUBLIC_URL).origin,
    keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    seedDir: path.resolve(e.SEED_DIR),
    sessionSecret: e.SESSION_SECRET ?? developmentSecret(e.NODE_ENV, dataDir),
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
    forum: Object.freeze({
      maxThreadDepth: e.MAX_THREAD_DEPTH,
      commentsPerPage: e.COMMENTS_PER_PAGE,
      captchaMinSeconds: e.CAPTCHA_MIN_SECONDS,
      captchaEnabled: e.CAPTCHA_ENABLED,
      captchaTtlMinutes: e.CAPTCHA_TTL_MINUTES,
      holdAll: e.MODERATION_HOLD_ALL,
      holdNewEmails: e.MODERATION_HOLD_NEW_EMAILS,
      linkLimit: e.MODERATION_LINK_LIMIT,
      benchDisableCaptcha: e.BENCH_DISABLE_CAPTCHA,
      moderationWords: Object.freeze(wordList(e.MODERATION_WORDS)),
      disallowedWords: Object.freeze(wordList(e.MODERATION_DISALLOWED_WORDS)),
      floodSeconds: e.MODERATION_FLOOD_SECONDS,
      duplicateCheck: e.MODERATION_DUPLICATE_CHECK,
      reportThreshold: e.MODERATION_REPORT_THRESHOLD,
      mapMinVoters: e.MAP_MIN_VOTERS,
      mapMinComments: e.MAP_MIN_COMMENTS,
      removalReasons: DEFAULT_REMOVAL_REASONS,
      publicModeratorNames: false,
    }),
    redisUrl: e.REDIS_URL,
    rateLimits: Object.freeze({
      commentsPerIp: e.RATE_LIMIT_COMMENTS_PER_IP,
      commentsPerEmail: e.RATE_LIMIT_COMMENTS_PER_EMAIL,
      captchasPerIp: e.RATE_LIMIT_CAPTCHAS_PER_IP,
      liveEventsPerIp: e.RATE_LIMIT_LIVE_EVENTS_PER_IP,
      reportsPerIp: e.RATE_LIMIT_REPORTS_PER_IP,
      votesPerIp: e.RATE_LIMIT_VOTES_PER_IP,
      votesPerVisitor: e.RATE_LIMIT_VOTES_PER_VISITOR,
    }),
    eventRetentionDays: e.EVENT_RETENTION_DAYS,
    mail: Object.freeze({
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      digestMinutes: e.MAIL_DIGEST_MINUTES,
      perMinute: e.MAIL_PER_MINUTE,
      maxAttempts: e.MAIL_MAX_ATTEMPTS,
      retryBaseSeconds: e.MAIL_RETRY_BASE_SECONDS,
      pollMs: e.MAIL_POLL_MS,
    }),
    live: Object.freeze({
      maxFollows: e.LIVE_MAX_FOLLOWS,
      eventsPerSecond: e.LIVE_EVENTS_PER_SECOND,
      eventBurst: e.LIVE_EVENT_BURST,
    }),
    signIn: Object.freeze({
      cookieSecure: e.SESSION_COOKIE_SECURE === 'auto' ? ('auto' as const) : e.SESSION_COOKIE_SECURE === 'true',
      idleMinutes: e.MODERATOR_SESSION_IDLE_MINUTES,
      maxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
      lockoutMinutes: e.LOGIN_LOCKOUT_MINUTES,
    }),
  });
}

/** Express's `trust proxy` syntax: true/false, a hop count, or addresses/subnets/names. */
export function parseTrustProxy(value: string): boolean | number | string {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === 'false' || trimmed === '0') return false;
  if (trimmed === 'true') return true;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  return trimmed;
}

/**
 * Outside production a missing secret is generated once and kept under DATA_DIR, so
 * captcha tokens and sessions survive restarts without any setup.
 */
function developmentSecret(env: string, dataDir: string): string {
  if (env === 'production') {
    throw new ConfigError('SESSION_SECRET is required in production (at least 32 random characters).');
  }
  const file = path.join(dataDir, 'session-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}
