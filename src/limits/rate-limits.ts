import { Redis } from 'ioredis';
import type pg from 'pg';
import {
  type IRateLimiterStoreOptions,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import type { RateLimitSettings } from '../config.js';
import { AppError } from '../http/app-error.js';
import { messages } from '../messages.js';

/** What is limited, and over what window. Counts are settings; windows carry their reason here. */
const LIMITS = {
  // A person writes a considered answer in minutes, not seconds; ten minutes forgives a burst.
  commentsPerIp: { windowSeconds: 600 },
  commentsPerEmail: { windowSeconds: 600 },
  // The live script asks for one captcha per post; scripts asking for thousands are harvesting.
  captchasPerIp: { windowSeconds: 600 },
  // A reader reports a few comments in a sitting; hundreds an hour from one address is a campaign.
  reportsPerIp: { windowSeconds: 3600 },
  // Follows and other socket events, across every process a client might reconnect to.
  liveEventsPerIp: { windowSeconds: 60 },
  // A reader may vote on a whole page in a few minutes; a script votes on thousands. An
  // address is shared by a household or an office, so it gets more than one browser.
  votesPerIp: { windowSeconds: 600 },
  votesPerVisitor: { windowSeconds: 600 },
} as const;

export type LimitName = keyof typeof LIMITS;

export interface RateLimits {
  /** Counts one attempt; throws a 429 AppError (with Retry-After) once over the limit. */
  consume(name: LimitName, key: string): Promise<void>;
  readonly store: 'redis' | 'postgres' | 'memory';
  close(): Promise<void>;
}

/**
 * Rate limits kept where every process sees them: Redis when REDIS_URL is set,
 * otherwise PostgreSQL (the `rate_limits` table). The embedded database serves one
 * process, so there the counters live in its memory.
 */
export function createRateLimits(
  settings: RateLimitSettings,
  store: { pool?: pg.Pool; redisUrl?: string },
): RateLimits {
  let redis: Redis | undefined;
  let kind: RateLimits['store'] = 'memory';
  const limiters = new Map<LimitName, RateLimiterMemory | RateLimiterPostgres | RateLimiterRedis>();
  if (store.redisUrl) {
    redis = new Redis(store.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
    kind = 'redis';
  } else if (store.pool) {
    kind = 'postgres';
  }
  for (const [name, { windowSeconds }] of Object.entries(LIMITS) as [LimitName, { windowSeconds: number }][]) {
    const options = { keyPrefix: `oq:${name}`, points: settings[name], duration: windowSeconds };
    let limiter: RateLimiterMemory | RateLimiterPostgres | RateLimiterRedis;
    if (redis) limiter = new RateLimiterRedis({ ...options, storeClient: redis });
    else if (store.pool) {
      const postgres: IRateLimiterStoreOptions = {
        ...options,
        storeClient: store.pool,
        storeType: 'pool',
        tableName: 'rate_limits',
        tableCreated: true,
      };
      limiter = new RateLimiterPostgres(postgres);
    } else limiter = new RateLimiterMemory(options);
    limiters.set(name, limiter);
  }

  return {
    store: kind,
    async consume(name, key) {
      try {
        await limiters.get(name)?.consume(key);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        const message = messages.rateLimited(seconds);
        throw new AppError(429, 'rate_limited', message, { form: message }, seconds);
      }
    },
    async close() {
      redis?.disconnect();
    },
  };
}
