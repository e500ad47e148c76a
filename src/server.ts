import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { createApp, type Forum } from './app.js';
import { purgeExpiredCaptchaUses } from './captcha/captcha.repository.js';
import type { Config } from './config.js';
import { connectDatabase, type DatabaseHandle } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { createEventLog, type EventLog } from './events/event-log.js';
import { sameOriginSockets } from './http/same-origin.js';
import { attachLive } from './live/io.js';
import { seedPosts } from './seed.js';
import { createVisits } from './visits/visits.service.js';

/**
 * A request whose client has gone may still be writing: its connection no longer
 * holds the HTTP server open, but its database client is still checked out. Wait
 * for those (on a server pool) before closing the database under them.
 */
async function queriesFinished(db: DatabaseHandle, deadline: number): Promise<void> {
  const pool = db.pool;
  if (!pool) return;
  while (pool.totalCount > pool.idleCount && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface RunningForum {
  forum: Forum;
  io: ReturnType<typeof attachLive>;
  log: EventLog;
  server: Server;
  database: DatabaseHandle;
  url: string;
  stop(): Promise<void>;
}

const CAPTCHA_PURGE_INTERVAL_MS = 60 * 60 * 1000;
const SHUTDOWN_GRACE_MS = 8_000;
const EMBEDDED_VACUUM_INTERVAL_MS = 15 * 60 * 1000;

/**
 * Connects, migrates, seeds and listens. Given a database handle (tests), it uses
 * that instead of connecting.
 */
export async function startForum(config: Config, logger: Logger, database?: DatabaseHandle): Promise<RunningForum> {
  const db =
    database ?? (await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, role: 'server' }));
  await migrateToLatest(db.db);
  await seedPosts(db.db, config.seedDir, logger);

  const log = createEventLog(db, logger, { retentionDays: config.eventRetentionDays });
  await log.start();
  const forum = createApp({ db: db.db, pool: db.pool, config, logger, log });
  const server = createServer(forum.app);
  // Node closes an idle keep-alive connection after 5 s. A load balancer that keeps its
  // own idle connections longer (60 s on AWS's, for one) then sends a request down a
  // connection this end is closing, and answers 502: close after the balancer does.
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  // Kept above keepAliveTimeout, as Node's guidance for proxies has it, so a connection
  // the balancer reuses is never cut by the headers limit first.
  server.headersTimeout = config.keepAliveTimeoutMs + 1_000;
  server.requestTimeout = Math.max(server.requestTimeout, server.headersTimeout + 1_000);
  const io = attachLive(server, {
    db: db.db,
    pool: db.pool,
    templates: forum.templates,
    comments: forum.comments,
    settings: forum.settings,
    live: config.live,
    log,
    logger,
    limits: forum.limits,
    trustProxy: config.trustProxy,
    sessions: forum.sessions,
    accounts: forum.accounts,
  });
  // Set here rather than in attachLive, which knows nothing of origins: the same rule as HTTP's.
  io.engine.opts.allowRequest = sameOriginSockets(config.publicOrigin);
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  forum.mail.start();
  const { port } = server.address() as AddressInfo;

  // PGlite runs no autovacuum: without this its planner has no statistics and the
  // answer counts turn into sequential scans (see docs/PERFORMANCE.md).
  const vacuum = async () => {
    if (db.kind === 'embedded') await sql`vacuum analyze`.execute(db.db);
  };
  await vacuum();
  const maintenance = setInterval(() => {
    vacuum().catch((error) => logger.warn({ err: error }, 'vacuum failed'));
  }, EMBEDDED_VACUUM_INTERVAL_MS);
  maintenance.unref();

  const visits = createVisits(db.db);
  const purge = setInterval(() => {
    purgeExpiredCaptchaUses(db.db).catch((error) => logger.warn({ err: error }, 'captcha purge failed'));
    // Readers not seen for 90 days are forgotten ("new since your last visit").
    visits.forgetOld().catch((error) => logger.warn({ err: error }, 'reader marks purge failed'));
  }, CAPTCHA_PURGE_INTERVAL_MS);
  purge.unref();

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(purge);
      clearInterval(maintenance);
      await new Promise<void>((resolve) => {
        // Closes every follower's transport (their clients reconnect, to another process
        // or to this one restarted, and catch up from the database) and the HTTP
        // server: no new connections, in-flight requests finish.
        io.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, SHUTDOWN_GRACE_MS).unref();
      });
      await forum.mail.stop();
      await log.stop();
      await forum.limits.close();
      await queriesFinished(db, Date.now() + SHUTDOWN_GRACE_MS);
      await db.close();
    })();
    return stopping;
  };

  return { forum, io, log, server, database: db, url: `http://localhost:${port}`, stop };
}
