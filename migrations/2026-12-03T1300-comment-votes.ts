import { type Kysely, sql } from 'kysely';

// Frozen in time: migrations take Kysely<any> and never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('comment_votes')
    .addColumn('comment_id', 'integer', (col) => col.notNull().references('comments.id').onDelete('cascade'))
    .addColumn('question_id', 'integer', (col) => col.notNull().references('questions.id').onDelete('cascade'))
    // The voting browser (the visitor cookie): one vote per browser per comment.
    .addColumn('visitor_id', 'text', (col) => col.notNull())
    .addColumn('vote', 'text', (col) => col.notNull().check(sql`vote in ('agree', 'disagree', 'pass')`))
    .addColumn('ip', 'text')
    // The address's network (/24 for IPv4, /48 for IPv6), for moderators to spot brigading.
    .addColumn('ip_range', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('comment_votes_pkey', ['comment_id', 'visitor_id'])
    .execute();
  // The opinion map reads a question's votes; moderators read recent votes by range.
  await db.schema.createIndex('comment_votes_question').on('comment_votes').column('question_id').execute();
  await db.schema.createIndex('comment_votes_recent').on('comment_votes').columns(['updated_at']).execute();
  // Counts kept beside the votes, in the same transaction: pages read 100 rows, not every vote.
  await db.schema
    .createTable('comment_vote_totals')
    .addColumn('comment_id', 'integer', (col) => col.primaryKey().references('comments.id').onDelete('cascade'))
    .addColumn('agree', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('disagree', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('pass', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('comment_vote_totals').execute();
  await db.schema.dropTable('comment_votes').execute();
}
