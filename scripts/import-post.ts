import { readFileSync } from 'node:fs';
import { loadConfig } from '../src/config.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { importPost } from '../src/posts/import-post.js';
import { openDatabase } from './open-database.js';

/** `npm run import -- <file>`: stores a post and turns its open questions into threads. */
const file = process.argv[2];
if (!file) {
  console.error('Usage: npm run import -- <post.txt>');
  process.exit(2);
}
const config = loadConfig();
const database = await openDatabase(config);
try {
  await migrateToLatest(database.db);
  const result = await importPost(database.db, readFileSync(file, 'utf8'));
  if (!result.created) {
    console.log(`"${result.title}" was already imported; nothing changed.`);
  } else {
    console.log(`Imported "${result.title}" with ${result.questions.length} questions:`);
    for (const question of result.questions) console.log(`  /questions/${question.slug}  ${question.wording}`);
  }
} finally {
  await database.close();
}
