import type { Config } from '../src/config.js';
import { connectDatabase, type DatabaseHandle, EmbeddedDatabaseBusy } from '../src/db/connect.js';

/**
 * The database a command works on: DATABASE_URL's, or the embedded one (through the
 * running server's socket when a server has it open). When it cannot be reached the
 * command says why and what to do, and exits 1.
 */
export async function openDatabase(config: Config): Promise<DatabaseHandle> {
  try {
    return await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (error) {
    if (!(error instanceof EmbeddedDatabaseBusy)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
