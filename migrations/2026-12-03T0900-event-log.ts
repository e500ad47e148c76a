import { type Kysely, sql } from 'kysely';

// Frozen in time: migrations take Kysely<any> and never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // Every change a reader or a subscriber can see, in the order it committed.
  await db.schema
    .createTable('forum_events')
    .addColumn('seq', 'bigserial', (col) => col.primaryKey())
    // No foreign key: events outlive what they describe (a deleted comment's removal).
    .addColumn('question_id', 'integer')
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  // A follower's catch-up: one question's changes after a seq.
  await db.schema.createIndex('forum_events_question').on('forum_events').columns(['question_id', 'seq']).execute();
  await db.schema.createIndex('forum_events_created').on('forum_events').column('created_at').execute();
  // How far pruning has gone (one row, once something was pruned): a catch-up from before it cannot be complete.
  await db.schema
    .createTable('forum_event_horizon')
    .addColumn('id', 'integer', (col) => col.primaryKey().check(sql`id = 1`))
    .addColumn('pruned_through', 'bigint', (col) => col.notNull().defaultTo(0))
    .execute();
  // Consumers that must see every event once, across restarts (the mailer): where each has got to.
  await db.schema
    .createTable('forum_event_cursors')
    .addColumn('consumer', 'text', (col) => col.primaryKey())
    .addColumn('seq', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('forum_event_cursors').execute();
  await db.schema.dropTable('forum_event_horizon').execute();
  await db.schema.dropTable('forum_events').execute();
}
