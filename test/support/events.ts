import type { Forum } from '../../src/app.js';
import type { DB } from '../../src/db/database.js';
import type { ForumEventType, LoggedEvent } from '../../src/events/forum-event.js';

let consumers = 0;

/**
 * Records the events the log relays to this process, with the comment's status in the
 * database when each was relayed: an event relayed before its change committed would
 * show the old status.
 */
export function recordEvents(forum: Pick<Forum, 'log'> & { db: DB }, types: readonly ForumEventType[]) {
  const seen: { name: ForumEventType; payload: LoggedEvent; storedStatus: Promise<string | undefined> }[] = [];
  consumers += 1;
  const stop = forum.log.subscribe(`test-${consumers}`, (events) => {
    for (const event of events) {
      if (!types.includes(event.type)) continue;
      const id = 'commentId' in event ? event.commentId : 0;
      const storedStatus = forum.db
        .selectFrom('comments')
        .select('status')
        .where('id', '=', id)
        .executeTakeFirst()
        .then((row) => row?.status);
      seen.push({ name: event.type, payload: event, storedStatus });
    }
  });
  return { seen, stop };
}
