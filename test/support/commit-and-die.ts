/**
 * A writer that dies the instant its transaction commits (kill -9 of itself): whatever
 * it would have done next (tell followers, drop caches) never happens. Used by the
 * catch-up test to show other processes still learn of the change from the event log.
 * Usage: tsx test/support/commit-and-die.ts <database url> <comment id>
 */
import { updateCommentText } from '../../src/comments/comment-state.repository.js';
import { connectServer } from '../../src/db/connect.js';
import { insertEvent } from '../../src/events/event-log.repository.js';

const [url, rawId] = process.argv.slice(2);
const id = Number(rawId);
const handle = connectServer(url as string, 1);
const row = await handle.db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
await handle.db.transaction().execute(async (tx) => {
  await updateCommentText(tx, id, {
    author: row.author,
    email: row.email,
    url: row.url,
    body_source: 'written by a process that then died',
    body_html: '<p>written by a process that then died</p>',
    now: new Date(),
  });
  await insertEvent(tx, { type: 'comment.edited', questionId: row.question_id, commentId: id });
});
process.kill(process.pid, 'SIGKILL');
