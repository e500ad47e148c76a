import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';

// src/db/migrate.ts and dist/src/db/migrate.js both sit two levels below the folder
// that holds migrations/ (sources beside src/, compiled ones in dist/).
const migrationFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Kysely's FileMigrationProvider, but importing from this module, so that the test
 * runner's loader (which understands TypeScript) handles the import in tests.
 */
const folderProvider: MigrationProvider = {
  async getMigrations() {
    const files = readdirSync(migrationFolder)
      .filter((file) => /\.(ts|js)$/.test(file) && !file.endsWith('.d.ts'))
      .sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      migrations[file.replace(/\.(ts|js)$/, '')] = await import(pathToFileURL(path.join(migrationFolder, file)).href);
    }
    return migrations;
  },
};

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider: folderProvider }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
