import { type Kysely, sql } from 'kysely';
import type { CommentRow } from '../comments/comment.table.js';
import type { Database, DB } from '../db/database.js';

export const queueTabs = ['pending', 'reported', 'spam', 'trash', 'all'] as const;
export type QueueTab = (typeof queueTabs)[number];

type ModeratedCommentRow = CommentRow & { question_slug: string; question_wording: string };

function moderatedComment(db: Kysely<Database>, id: number) {
  return db
    .selectFrom('comments as c')
    .innerJoin('questions as q', 'q.id', 'c.question_id')
    .selectAll('c')
    .select(['q.slug as question_slug', 'q.wording as question_wording'])
    .where('c.id', '=', id);
}

/** A comment with everything a moderator may see. */
export function findModeratedComment(db: DB, id: number): Promise<ModeratedCommentRow | undefined> {
  return moderatedComment(db, id).executeTakeFirst();
}

/** The same, locked for the length of the transaction, so two moderators' clicks queue up. */
export function lockComment(tx: Kysely<Database>, id: number): Promise<ModeratedCommentRow | undefined> {
  return moderatedComment(tx, id).forUpdate('c').executeTakeFirst();
}

export async function countReplies(tx: Kysely<Database>, id: number): Promise<number> {
  const row = await tx
    .selectFrom('comments')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('parent_id', '=', id)
    .executeTakeFirstOrThrow();
  return row.n;
}

function queueQuery(db: DB, tab: QueueTab) {
  // A deleted comment kept as a tombstone (erased) has nothing left to decide on.
  let query = db.selectFrom('comments as c').where('c.erased_at', 'is', null);
  if (tab === 'pending' || tab === 'spam' || tab === 'trash') query = query.where('c.status', '=', tab);
  // Comments with reports no moderator has decided on yet, hidden or not.
  if (tab === 'reported') {
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('comment_reports as r')
          .select('r.id')
          .whereRef('r.comment_id', '=', 'c.id')
          .where('r.resolved_at', 'is', null),
      ),
    );
  }
  return query;
}

/** One page of a queue tab, newest first, each comment with its question and what it answered. */
export function listQueue(db: DB, tab: QueueTab, page: { limit: number; offset: number }) {
  return queueQuery(db, tab)
    .innerJoin('questions as q', 'q.id', 'c.question_id')
    .leftJoin('comments as p', 'p.id', 'c.in_reply_to_id')
    .leftJoin('moderators as m', 'm.id', 'c.moderator_id')
    .select([
      'c.id',
      'c.status',
      'c.held_by_rule',
      'c.author',
      'c.email',
      'c.url',
      'c.ip',
      'c.body_html',
      'c.created_at',
      'c.in_reply_to_id',
      'c.question_id',
      'c.highlighted',
      'q.slug as question_slug',
      'q.wording as question_wording',
      'p.author as parent_author',
      'p.body_source as parent_body',
      'm.name as moderator_name',
    ])
    .orderBy('c.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export type QueueRow = Awaited<ReturnType<typeof listQueue>>[number];

export async function countQueue(db: DB): Promise<Record<QueueTab, number>> {
  const row = await db
    .selectFrom('comments')
    .select([
      sql<number>`count(*) filter (where status = 'pending')::int`.as('pending'),
      sql<number>`count(*) filter (where status = 'spam')::int`.as('spam'),
      sql<number>`count(*) filter (where status = 'trash')::int`.as('trash'),
      sql<number>`count(*)::int`.as('all'),
    ])
    .select((eb) =>
      eb
        .selectFrom('comment_reports')
        .select(sql<number>`count(distinct comment_id)::int`.as('n'))
        .where('resolved_at', 'is', null)
        .as('reported'),
    )
    .executeTakeFirstOrThrow();
  return { ...row, reported: row.reported ?? 0 };
}
