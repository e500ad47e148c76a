import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { DB } from './db/database.js';
import { importPost } from './posts/import-post.js';

/** Imports every post in the seed folder; posts already imported are left alone. */
export async function seedPosts(db: DB, seedDir: string, logger?: Logger): Promise<void> {
  let files: string[];
  try {
    files = readdirSync(seedDir)
      .filter((file) => file.endsWith('.txt'))
      .sort();
  } catch {
    logger?.warn({ seedDir }, 'no seed folder; starting without posts');
    return;
  }
  for (const file of files) {
    const result = await importPost(db, readFileSync(path.join(seedDir, file), 'utf8'));
    if (result.created) logger?.info({ post: result.slug, questions: result.questions.length }, 'imported post');
  }
}
