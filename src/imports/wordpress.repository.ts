import type { DB } from '../db/database.js';

/** Ids a statement of findImported asks about (a statement takes at most 65,535 parameters). */
const LOOKUP_BATCH = 10_000;

/** Local ids of what an earlier import brought in, by WordPress (or Disqus) id; any number of ids. */
export async function findImported(
  db: DB,
  site: string,
  kind: 'post' | 'comment',
  wordpressIds: number[],
): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  for (let start = 0; start < wordpressIds.length; start += LOOKUP_BATCH) {
    const rows = await db
      .selectFrom('wordpress_imports')
      .select(['wordpress_id', 'local_id'])
      .where('site', '=', site)
      .where('kind', '=', kind)
      .where('wordpress_id', 'in', wordpressIds.slice(start, start + LOOKUP_BATCH).map(String))
      .execute();
    for (const row of rows) found.set(Number(row.wordpress_id), row.local_id);
  }
  return found;
}

export async function rememberImported(
  db: DB,
  site: string,
  kind: 'post' | 'comment',
  pairs: { wordpressId: number; localId: number }[],
): Promise<void> {
  if (pairs.length === 0) return;
  await db
    .insertInto('wordpress_imports')
    .values(pairs.map((pair) => ({ site, kind, wordpress_id: pair.wordpressId, local_id: pair.localId })))
    .execute();
}

export async function takenPostSlugs(db: DB): Promise<Set<string>> {
  const rows = await db.selectFrom('posts').select('slug').execute();
  return new Set(rows.map((row) => row.slug));
}

/** A comment's place, for a reply imported under it. */
export function findPlacement(db: DB, commentId: number) {
  return db
    .selectFrom('comments')
    .select(['id', 'question_id', 'path', 'depth'])
    .where('id', '=', commentId)
    .executeTakeFirst();
}
