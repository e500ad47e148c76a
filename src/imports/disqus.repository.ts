import type { DB } from '../db/database.js';
import { type DisqusThread, slugOfLink } from './disqus-content.js';

/** A post as a discussion is made for it. */
export interface ThreadPost {
  id: number;
  slug: string;
  title: string;
  body: string;
}

/**
 * The forum's post a Disqus thread was left on: the WordPress post the Disqus plugin
 * named (imported from a WordPress export of the same site), else the post whose slug
 * is the last part of the thread's address (a WordPress permalink), else the post with
 * the thread's title.
 */
export async function findPostForThread(db: DB, thread: DisqusThread): Promise<ThreadPost | undefined> {
  if (thread.wordpress) {
    const { postId, guid } = thread.wordpress;
    const imported = await db
      .selectFrom('wordpress_imports as w')
      .innerJoin('posts as p', 'p.id', 'w.local_id')
      .select(['w.site', 'p.id', 'p.slug', 'p.title', 'p.body'])
      .where('w.kind', '=', 'post')
      .where('w.wordpress_id', '=', String(postId))
      .execute();
    const match = imported.find((row) => sameHost(row.site, guid));
    if (match) return { id: match.id, slug: match.slug, title: match.title, body: match.body };
  }
  const slug = slugOfLink(thread.link);
  const post = db.selectFrom('posts').select(['id', 'slug', 'title', 'body']);
  const bySlug = slug ? await post.where('slug', '=', slug).executeTakeFirst() : undefined;
  if (bySlug) return bySlug;
  return thread.title ? await post.where('title', '=', thread.title).orderBy('id').executeTakeFirst() : undefined;
}

function sameHost(a: string, b: string): boolean {
  try {
    return new URL(a).host === new URL(b).host;
  } catch {
    return false;
  }
}
