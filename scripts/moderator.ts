import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { AppError } from '../src/http/app-error.js';
import { createModeratorAccounts } from '../src/moderators/moderator.service.js';
import { openDatabase } from './open-database.js';
import { readPassword } from './read-password.js';

/**
 * `npm run moderator -- <command>`: moderator accounts, from the command line only,
 * so there is no sign-up page to attack. Migrates first, so it works on a database
 * the server has never opened.
 */
const USAGE = `Usage:
  npm run moderator -- add --email <email> --name <name> [--admin]
  npm run moderator -- list
  npm run moderator -- remove --email <email>
  npm run moderator -- reset-password --email <email>

The password is read from MODERATOR_PASSWORD, or asked for (not echoed).`;

const { positionals, values } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { email: { type: 'string' }, name: { type: 'string' }, admin: { type: 'boolean', default: false } },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
})();
const command = positionals[0];

function required(value: string | undefined, flag: string): string {
  if (value?.trim()) return value;
  console.error(`${command} needs ${flag}.\n\n${USAGE}`);
  process.exit(2);
}

async function password(): Promise<string> {
  const fromEnvironment = process.env.MODERATOR_PASSWORD;
  if (fromEnvironment !== undefined && fromEnvironment !== '') return fromEnvironment;
  const first = await readPassword('Password: ');
  if (process.stdin.isTTY && first !== (await readPassword('Again: '))) {
    console.error('The two passwords differ; nothing was changed.');
    process.exit(1);
  }
  return first;
}

if (!command || !['add', 'list', 'remove', 'reset-password'].includes(command)) {
  console.error(USAGE);
  process.exit(2);
}
// Check the arguments before asking for a password or touching the database.
const email = command === 'list' ? '' : required(values.email, '--email');
const name = command === 'add' ? required(values.name, '--name') : '';
const secret = command === 'add' || command === 'reset-password' ? await password() : '';

let exitCode = 0;
const config = loadConfig();
const database = await openDatabase(config);
try {
  await migrateToLatest(database.db);
  const accounts = createModeratorAccounts(database.db);
  if (command === 'add') {
    const moderator = await accounts.addModerator({
      email,
      name,
      role: values.admin ? 'admin' : 'moderator',
      password: secret,
    });
    console.log(`Added ${moderator.role} ${moderator.name} <${moderator.email}>. Sign in at /login.`);
  } else if (command === 'list') {
    const moderators = await accounts.list();
    if (moderators.length === 0) console.log('No moderators yet. Add one with: npm run moderator -- add …');
    for (const m of moderators) {
      const last = m.lastLoginAt ? `last signed in ${m.lastLoginAt.toISOString()}` : 'never signed in';
      console.log(`${m.email}\t${m.name}\t${m.role}\tadded ${m.createdAt.toISOString()}\t${last}`);
    }
  } else if (command === 'remove') {
    await accounts.removeModerator(email);
    console.log(`Removed ${email}.`);
  } else {
    await accounts.resetPassword(email, secret);
    console.log(`Changed the password of ${email} and signed it out everywhere.`);
  }
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  console.error(error.message);
  exitCode = 1;
} finally {
  await database.close();
}
// Explicitly: the embedded database's runtime resets process.exitCode when it shuts down.
process.exit(exitCode);
