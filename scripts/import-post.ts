import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { type Backup, BackupError, restoreBackup } from '../src/backup/backup.js';
import { loadConfig } from '../src/config.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { importDisqusExport } from '../src/imports/disqus-import.js';
import { looksLikeDisqus } from '../src/imports/disqus-reader.js';
import { importWordpressExport } from '../src/imports/wordpress-import.js';
import { WxrFormatError } from '../src/imports/xml-file.js';
import { importPost } from '../src/posts/import-post.js';
import { openDatabase } from './open-database.js';

/**
 * `npm run import -- <file>`: a post saved as text (.txt), whose open questions become
 * threads, a WordPress export (.xml, WXR) with its posts and their comments, a Disqus
 * export (.xml, told by its root element) whose comments join their posts'
 * discussions, or a backup made by `npm run export` (.json), restored into an empty
 * database.
 */
const file = process.argv[2];
if (!file) {
  console.error('Usage: npm run import -- <post.txt | wordpress-export.xml | disqus-export.xml | backup.json>');
  process.exit(2);
}
const config = loadConfig();
const database = await openDatabase(config);
let exitCode = 0;
try {
  await migrateToLatest(database.db);
  if (file.toLowerCase().endsWith('.xml'))
    await (looksLikeDisqus(fileStart(file)) ? importDisqus : importWordpress)(file);
  else if (file.toLowerCase().endsWith('.json')) await restore(file);
  else importText(await importPost(database.db, readFileSync(file, 'utf8')));
} catch (error) {
  if (error instanceof SyntaxError) console.error(`${file} is not valid JSON: ${error.message}. Nothing was imported.`);
  else if (error instanceof BackupError) console.error(`${error.message}\nNothing was imported.`);
  else if (error instanceof WxrFormatError)
    console.error(
      `${error.message}\nNothing was imported. Correct the file (or export it again) and run the import again.`,
    );
  else throw error;
  exitCode = 1;
} finally {
  await database.close();
}
// Explicitly: the embedded database's runtime resets process.exitCode when it shuts down.
process.exit(exitCode);

async function restore(path: string) {
  const backup = JSON.parse(readFileSync(path, 'utf8')) as Backup;
  await restoreBackup(database.db, backup, (name, rows) =>
    console.log(`  ${name}: ${rows.toLocaleString('en-GB')} rows`),
  );
  console.log(
    `Restored ${path} (made ${backup.createdAt}). Moderators' passwords are not in a backup: set each with ` +
      '`npm run moderator -- reset-password --email <email>`.',
  );
}

function importText(result: Awaited<ReturnType<typeof importPost>>) {
  if (!result.created) {
    console.log(`"${result.title}" was already imported; nothing changed.`);
  } else {
    console.log(`Imported "${result.title}" with ${result.questions.length} questions:`);
    for (const question of result.questions) console.log(`  /questions/${question.slug}  ${question.wording}`);
  }
}

async function importWordpress(path: string) {
  // A tenth of the file at a time: enough to see a long import move, few lines.
  let shown = { step: '', tenth: -1 };
  const summary = await importWordpressExport(database.db, path, {
    maxDepth: config.forum.maxThreadDepth,
    onProgress(step, read, total) {
      const tenth = Math.floor((read / Math.max(total, 1)) * 10);
      if (step === shown.step && tenth === shown.tenth) return;
      shown = { step, tenth };
      console.log(`${step === 'checking' ? 'Checking' : 'Importing'} ${path}: ${tenth * 10}%`);
    },
    onPost(post) {
      if (post.created) console.log(`  /posts/${post.slug}: new, ${post.comments} comments`);
      else if (post.comments > 0) console.log(`  /posts/${post.slug}: ${post.comments} new comments`);
    },
  });
  const { posts, comments } = summary;
  console.log(
    `Done: ${posts.created} new posts (${posts.known} imported before), ${comments.created} new comments ` +
      `(${comments.known} imported before, ${comments.skipped} pingbacks and trackbacks left out), from ${summary.site}.`,
  );
}

/** The first few kilobytes of a file: enough to see its root element. */
function fileStart(path: string): string {
  const buffer = Buffer.alloc(4_096);
  const fd = openSync(path, 'r');
  try {
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

async function importDisqus(path: string) {
  let shownTenth = -1;
  const summary = await importDisqusExport(database.db, path, {
    maxDepth: config.forum.maxThreadDepth,
    onProgress(read, total) {
      const tenth = Math.floor((read / Math.max(total, 1)) * 10);
      if (tenth === shownTenth) return;
      shownTenth = tenth;
      console.log(`Reading ${path}: ${tenth * 10}%`);
    },
    onPost({ post, comments }) {
      if (comments > 0) console.log(`  /posts/${post}/discussion: ${plural(comments, 'new comment')}`);
    },
  });
  for (const thread of summary.threads.unmatched)
    console.log(
      `  No post for ${thread.link} ("${thread.title}"): ${plural(thread.comments, 'comment')} left out. ` +
        'Import the post first (its WordPress export, or as text), then this file again.',
    );
  const { threads, comments } = summary;
  console.log(
    `Done: ${plural(comments.created, 'new comment')} (${comments.known} imported before) in ${plural(threads.matched, 'thread')}; ` +
      `${plural(threads.unmatched.length, 'thread')} had no post. From Disqus forum ${summary.forum}.`,
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
