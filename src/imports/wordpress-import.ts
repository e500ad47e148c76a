import type { DB } from '../db/database.js';
import { findDiscussion } from '../discussions/discussion.repository.js';
import { insertEvents } from '../events/event-log.repository.js';
import type { ForumEvent } from '../events/forum-event.js';
import { findOpenQuestions } from '../posts/open-questions.js';
import { takenQuestionSlugs } from '../posts/post.repository.js';
import { slugify } from '../posts/post-text.js';
import { insertDiscussion, storeImportedComments, unique } from './imported-comments.js';
import { findImported, rememberImported, takenPostSlugs } from './wordpress.repository.js';
import { postFromItem, type WxrPost } from './wxr-content.js';
import { readWxr } from './wxr-reader.js';

export interface WordpressImportOptions {
  /** The depth cap replies are placed under, as MAX_THREAD_DEPTH places new ones. */
  maxDepth: number;
  /** Told as the file is read (twice: checking, then importing). */
  onProgress?: (step: 'checking' | 'importing', bytesRead: number, totalBytes: number) => void;
  /** Told after each post is stored. */
  onPost?: (post: { title: string; slug: string; created: boolean; comments: number }) => void;
}

export interface WordpressImportSummary {
  site: string;
  posts: { created: number; known: number };
  comments: { created: number; known: number; skipped: number };
}

/**
 * Brings a WordPress export's published posts, with their open questions and their
 * comments (threading, dates, authors, emails, websites, IPs, states), into the forum.
 * The whole file is read once to check it before anything is stored, so a broken file
 * adds nothing; then each post is stored in one transaction with its comments.
 * WordPress ids are remembered, so importing the same export again adds nothing, and a
 * newer export of the same site adds only what is new.
 */
export async function importWordpressExport(
  db: DB,
  file: string,
  options: WordpressImportOptions,
): Promise<WordpressImportSummary> {
  let site = '';
  for await (const entry of readWxr(file, (read, total) => options.onProgress?.('checking', read, total))) {
    if ('site' in entry) site = entry.site;
    else postFromItem(file, entry);
  }
  // Exports without a site address still have ids of their own.
  site ||= `file:${file}`;

  const summary: WordpressImportSummary = {
    site,
    posts: { created: 0, known: 0 },
    comments: { created: 0, known: 0, skipped: 0 },
  };
  for await (const entry of readWxr(file, (read, total) => options.onProgress?.('importing', read, total))) {
    if ('site' in entry) continue;
    const post = postFromItem(file, entry);
    if (!post) continue;
    const result = await db.transaction().execute((tx) => importPost(tx, site, post, options.maxDepth));
    summary.posts[result.created ? 'created' : 'known'] += 1;
    summary.comments.created += result.commentsCreated;
    summary.comments.known += post.comments.length - result.commentsCreated;
    summary.comments.skipped += post.skippedComments;
    options.onPost?.({
      title: post.title,
      slug: result.slug,
      created: result.created,
      comments: result.commentsCreated,
    });
  }
  return summary;
}

async function importPost(tx: DB, site: string, post: WxrPost, maxDepth: number) {
  const known = (await findImported(tx, site, 'post', [post.wpId])).get(post.wpId);
  const stored = known === undefined ? await storePost(tx, site, post) : await existingPost(tx, known);
  const comments = await storeImportedComments(tx, site, stored.discussionId, post.comments, maxDepth);
  // Last, just before the commit: see imported-comments.ts.
  await insertEvents(tx, [...stored.events, ...comments.events]);
  return { created: known === undefined, slug: stored.slug, commentsCreated: comments.created };
}

async function existingPost(tx: DB, postId: number) {
  const post = await tx.selectFrom('posts').select('slug').where('id', '=', postId).executeTakeFirstOrThrow();
  const discussion = await findDiscussion(tx, postId);
  if (!discussion) throw new Error(`Post ${post.slug} was imported before but has no discussion`);
  return { slug: post.slug, discussionId: discussion.id, events: [] as ForumEvent[] };
}

async function storePost(tx: DB, site: string, post: WxrPost) {
  const slug = unique(post.slug, await takenPostSlugs(tx));
  const inserted = await tx
    .insertInto('posts')
    .values({ slug, title: post.title, category: post.category, published_on: post.publishedOn, body: post.body })
    .returning('id')
    .executeTakeFirstOrThrow();
  const taken = await takenQuestionSlugs(tx);
  const questions = findOpenQuestions(post.body).map((question, position) => {
    const questionSlug = unique(slugify(question.wording), taken);
    taken.add(questionSlug);
    return {
      post_id: inserted.id,
      slug: questionSlug,
      position,
      wording: question.wording,
      quote: question.quote,
      quote_start: question.start,
      passage: question.passage,
    };
  });
  const added =
    questions.length > 0 ? await tx.insertInto('questions').values(questions).returning('id').execute() : [];
  const discussion = await insertDiscussion(tx, { id: inserted.id, slug, title: post.title, body: post.body }, taken);
  await rememberImported(tx, site, 'post', [{ wordpressId: post.wpId, localId: inserted.id }]);
  const events: ForumEvent[] = [
    ...added.map((question) => ({ type: 'question.added' as const, questionId: question.id })),
    ...discussion.events,
  ];
  return { slug, discussionId: discussion.id, events };
}
