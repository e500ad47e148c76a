import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { EventOf, LoggedEvent } from '../events/forum-event.js';
import {
  addDigestItems,
  commentEmail,
  enqueue,
  followedQuestions,
  publishedComment,
  wantsReplies,
} from './mail.repository.js';
import { replyMail } from './mail-compose.js';

export interface MailLinkMaker {
  /** An absolute URL on the forum. */
  absolute(path: string): string;
  /** The signed List-Unsubscribe / "Manage email" URL of an address. */
  manageUrl(email: string): string;
}

/**
 * The mailer's durable consumer of the event log: it decides what to send and writes it
 * to the outbox in the transaction that moves its cursor, so each decision is made once
 * across restarts and processes (and the outbox key makes a replay add nothing). It
 * acts on `comment.published` only: that fires when a comment becomes public (at once,
 * or when a moderator approves it), never for held, spam or trash, and not for one an
 * import brought in.
 */
export function mailConsumer(links: MailLinkMaker) {
  return async (events: LoggedEvent[], tx: Kysely<Database>): Promise<void> => {
    // Imported comments (WordPress, Disqus) are years old: no follower is mailed about them.
    const published = events.filter(
      (event): event is EventOf<'comment.published'> => event.type === 'comment.published' && !event.imported,
    );
    // Most answers are to questions nobody follows by email: one query rules them out.
    const followed = await followedQuestions(
      tx,
      published.map((event) => event.questionId),
    );
    for (const event of published) {
      if (!followed.has(event.questionId)) continue;
      // The state now, not at the event: a comment removed since is not mailed about.
      const reply = await publishedComment(tx, event.commentId);
      if (!reply) continue;
      const author = reply.email.toLowerCase();
      const mailed = [author];
      if (reply.in_reply_to_id !== null) {
        const parent = await commentEmail(tx, reply.in_reply_to_id);
        const to = parent?.email.toLowerCase();
        if (to !== undefined && to !== author && (await wantsReplies(tx, to, reply.question_id))) {
          const mail = replyMail({
            question: reply.wording,
            inReplyTo: { url: links.absolute(`/comments/${reply.in_reply_to_id}`) },
            reply: { author: reply.author, bodyHtml: reply.body_html, url: links.absolute(`/comments/${reply.id}`) },
            links: { manageUrl: links.manageUrl(to) },
          });
          await enqueue(tx, `reply:${reply.id}:${to}`, 'reply', to, mail);
          mailed.push(to);
        }
      }
      await addDigestItems(tx, reply.question_id, reply.id, mailed);
    }
  };
}
