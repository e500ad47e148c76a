import type { DB } from '../db/database.js';
import { insertEvents } from '../events/event-log.repository.js';
import { findPostForThread, type ThreadPost } from './disqus.repository.js';
import { commentFromElement, type DisqusComment, type DisqusThread, threadFromElement } from './disqus-content.js';
import { readDisqus } from './disqus-reader.js';
import { discussionOf, storeImportedComments } from './imported-comments.js';
import { WxrFormatError } from './xml-file.js';

export interface DisqusImportOptions {
  /** The depth cap replies are placed under, as MAX_THREAD_DEPTH places new ones. */
  maxDepth: number;
  /** Told as the file is read. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Told after each post's new comments are stored. */
  onPost?: (post: { post: string; comments: number }) => void;
}

export interface DisqusImportSummary {
  forum: string;
  /** Threads whose post is in the forum, and those whose post is not (their comments are left out). */
  threads: { matched: number; unmatched: { link: string; title: string; comments: number }[] };
  comments: { created: number; known: number };
}

/**
 * Brings a Disqus export's comments (threading, dates, authors, emails, IPs, states)
 * into the discussions of the posts they were left on. Disqus exports carry no post
 * text, so each thread is matched to a post already in the forum (imported from
 * WordPress or from text: see findPostForThread); a thread with no post is reported
 * and its comments left out, to be imported once the post is. The whole file is read
 * and checked before anything is stored, then each post's comments are stored in one
 * transaction. Disqus ids are remembered, so importing the file again adds nothing.
 */
export async function importDisqusExport(
  db: DB,
  file: string,
  options: DisqusImportOptions,
): Promise<DisqusImportSummary> {
  const threads = new Map<number, DisqusThread>();
  const byThread = new Map<number, DisqusComment[]>();
  const firstLine = new Map<number, number>();
  for await (const element of readDisqus(file, options.onProgress)) {
    if (element.kind === 'thread') {
      const thread = threadFromElement(file, element);
      threads.set(thread.id, thread);
    } else {
      const comment = commentFromElement(file, element);
      const list = byThread.get(comment.threadId);
      if (list) list.push(comment);
      else {
        byThread.set(comment.threadId, [comment]);
        firstLine.set(comment.threadId, element.line);
      }
    }
  }
  for (const [threadId, line] of firstLine) {
    if (!threads.has(threadId))
      throw new WxrFormatError(file, line, `a comment names thread ${threadId}, which the file does not have`);
  }

  const forum = [...threads.values()].find((thread) => thread.forum)?.forum || `file:${file}`;
  const summary: DisqusImportSummary = {
    forum,
    threads: { matched: 0, unmatched: [] },
    comments: { created: 0, known: 0 },
  };
  // By post, not by thread: Disqus often has two threads for one page (http and https,
  // with and without a trailing slash), and a reply in one may answer a comment in the other.
  const byPost = new Map<number, { post: ThreadPost; comments: DisqusComment[] }>();
  for (const [threadId, comments] of byThread) {
    const thread = threads.get(threadId) as DisqusThread;
    const post = await findPostForThread(db, thread);
    if (!post) {
      summary.threads.unmatched.push({ link: thread.link, title: thread.title, comments: comments.length });
      continue;
    }
    summary.threads.matched += 1;
    // concat, not push(...): a thread may hold more comments than a call takes arguments.
    byPost.set(post.id, { post, comments: (byPost.get(post.id)?.comments ?? []).concat(comments) });
  }
  for (const { post, comments } of byPost.values()) {
    const created = await db.transaction().execute(async (tx) => {
      const discussion = await discussionOf(tx, post);
      const stored = await storeImportedComments(tx, `disqus:${forum}`, discussion.id, comments, options.maxDepth);
      // Last, just before the commit: see imported-comments.ts.
      await insertEvents(tx, [...discussion.events, ...stored.events]);
      return stored.created;
    });
    summary.comments.created += created;
    summary.comments.known += comments.length - created;
    options.onPost?.({ post: post.slug, comments: created });
  }
  return summary;
}
