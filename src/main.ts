import { ConfigError, loadConfig } from './config.js';
import { EmbeddedDatabaseBusy } from './db/connect.js';
import { createLogger } from './logger.js';
import { startForum } from './server.js';

/** `npm start`: the forum on PORT, with graceful shutdown on SIGTERM and SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const running = await startForum(config, logger);
  const where = config.databaseUrl ? 'PostgreSQL server' : `embedded PostgreSQL in ${config.dataDir}`;
  logger.info({ url: running.url, database: running.database.kind }, 'listening');
  console.log(`Open Questions is running on ${running.url} (${where})`);
  if (running.database.kind === 'embedded') {
    if (running.database.socket) logger.info({ socket: running.database.socket }, 'embedded database shared');
    else logger.warn({ dataDir: config.dataDir }, 'DATA_DIR is too long a path for a Unix socket: commands refuse');
  }

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    running
      .stop()
      .then(() => process.exit(0))
      .catch((error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof EmbeddedDatabaseBusy) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
