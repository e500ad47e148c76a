import { type Kysely, sql } from 'kysely';

// Frozen in time: migrations take Kysely<any> and never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // One row per address that ever asked for mail (lower-cased): whether it confirmed,
  // when it was last asked to, whether it bounced, when it last had a digest.
  await db.schema
    .createTable('mail_addresses')
    .addColumn('email', 'text', (col) => col.primaryKey())
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('confirmation_sent_at', 'timestamptz')
    .addColumn('bounced_at', 'timestamptz')
    .addColumn('bounce_reason', 'text')
    .addColumn('digest_sent_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  // What an address asked for, per question: replies to its comments, or every new answer.
  await db.schema
    .createTable('mail_subscriptions')
    .addColumn('email', 'text', (col) => col.notNull().references('mail_addresses.email').onDelete('cascade'))
    .addColumn('question_id', 'integer', (col) => col.notNull().references('questions.id').onDelete('cascade'))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('replies', 'question')`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('mail_subscriptions_pkey', ['email', 'question_id', 'kind'])
    .execute();
  await db.schema
    .createIndex('mail_subscriptions_question')
    .on('mail_subscriptions')
    .columns(['question_id', 'kind'])
    .execute();
  // New answers waiting for a follower's next digest.
  await db.schema
    .createTable('mail_digest_items')
    .addColumn('email', 'text', (col) => col.notNull().references('mail_addresses.email').onDelete('cascade'))
    .addColumn('question_id', 'integer', (col) => col.notNull())
    .addColumn('comment_id', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('mail_digest_items_pkey', ['email', 'comment_id'])
    .execute();
  // Every message to send, composed when it was decided, written in the transaction that
  // decided it. The key makes deciding twice (a replayed event) insert nothing.
  await db.schema
    .createTable('mail_outbox')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('idempotency_key', 'text', (col) => col.notNull().unique())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('to_email', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('text', 'text', (col) => col.notNull())
    .addColumn('html', 'text', (col) => col.notNull())
    .addColumn('headers', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('status', 'text', (col) =>
      col.notNull().defaultTo('queued').check(sql`status in ('queued', 'sent', 'failed', 'cancelled')`),
    )
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // A sender that took the row and has not finished with it (or died): others wait till then.
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('mail_outbox_due')
    .on('mail_outbox')
    .columns(['next_attempt_at'])
    .where(sql.ref('status'), '=', 'queued')
    .execute();
  await db.schema.createIndex('mail_outbox_sent').on('mail_outbox').column('sent_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mail_outbox').execute();
  await db.schema.dropTable('mail_digest_items').execute();
  await db.schema.dropTable('mail_subscriptions').execute();
  await db.schema.dropTable('mail_addresses').execute();
}
