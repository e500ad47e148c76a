import { type Kysely, sql } from 'kysely';

// Frozen in time: migrations take Kysely<any> and never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('comments')
    // Where Restore returns a comment from spam or trash.
    .addColumn('previous_status', 'text', (col) =>
      col.check(sql`previous_status in ('approved', 'pending', 'spam', 'trash')`),
    )
    // Set on a moderator's own reply: the thread shows a badge.
    .addColumn('moderator_id', 'integer', (col) => col.references('moderators.id').onDelete('set null'))
    .execute();
  // The queue's tabs: one status, newest first.
  await db.schema.createIndex('comments_status_id').on('comments').columns(['status', 'id']).execute();

  // Who did what, when. Append-only: the application has no code that updates or
  // deletes a row. No foreign keys, so the record outlives the comment or account.
  await db.schema
    .createTable('moderation_log')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('moderator_id', 'integer')
    .addColumn('moderator_name', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('comment_id', 'integer')
    .addColumn('question_id', 'integer')
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('details', 'jsonb')
    .execute();
  await db.schema.createIndex('moderation_log_comment').on('moderation_log').columns(['comment_id', 'id']).execute();
  await db.schema
    .createIndex('moderation_log_moderator')
    .on('moderation_log')
    .columns(['moderator_id', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('moderation_log').execute();
  await db.schema.dropIndex('comments_status_id').execute();
  await db.schema.alterTable('comments').dropColumn('moderator_id').dropColumn('previous_status').execute();
}
