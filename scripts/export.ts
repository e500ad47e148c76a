import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { exportBackup } from '../src/backup/backup.js';
import { loadConfig } from '../src/config.js';
import { connectDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';

/**
 * `npm run export -- --out backup.json`: the whole forum (posts, questions, comments
 * with emails, moderators without password hashes, settings, bans, logs, and any table
 * a later feature adds) as one JSON file; `npm run import -- backup.json` restores it
 * into an empty database.
 */
const USAGE = 'Usage: npm run export -- --out <backup.json>';
let out: string | undefined;
try {
  out = parseArgs({ options: { out: { type: 'string' } } }).values.out;
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (!out) {
  console.error(USAGE);
  process.exit(2);
}
const config = loadConfig();
const database = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
let exitCode = 0;
try {
  await migrateToLatest(database.db);
  const backup = await exportBackup(database.db, (name, rows) =>
    console.log(`  ${name}: ${rows.toLocaleString('en-GB')} rows`),
  );
  const file = createWriteStream(out);
  // Table by table, so the file is never one string in memory twice.
  file.write(
    `{"format":${JSON.stringify(backup.format)},"version":${backup.version},"createdAt":${JSON.stringify(backup.createdAt)},`,
  );
  file.write(
    `"migrations":${JSON.stringify(backup.migrations)},"sequences":${JSON.stringify(backup.sequences)},"tables":{`,
  );
  for (const [index, [name, rows]] of Object.entries(backup.tables).entries()) {
    file.write(`${index > 0 ? ',' : ''}${JSON.stringify(name)}:[`);
    for (const [n, row] of rows.entries()) file.write(`${n > 0 ? ',\n' : '\n'}${JSON.stringify(row)}`);
    file.write(']');
  }
  file.end('}}\n');
  await once(file, 'finish');
  console.log(`Wrote ${out}. It holds email and IP addresses: keep it as safe as the database.`);
} catch (error) {
  console.error((error as Error).message);
  exitCode = 1;
} finally {
  await database.close();
}
// Explicitly: the embedded database's runtime resets process.exitCode when it shuts down.
process.exit(exitCode);
