import { type Kysely, sql } from 'kysely';

// Frozen in time: migrations take Kysely<any> and never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('comment_reports')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('comment_id', 'integer', (col) => col.notNull().references('comments.id').onDelete('cascade'))
    // The reporting browser (the visitor cookie): one report per browser per comment.
    .addColumn('visitor_id', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull().check(sql`reason in ('spam', 'abuse', 'off-topic', 'other')`))
    .addColumn('note', 'text')
    .addColumn('ip', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // Set when a moderator decides on the comment; only open reports count towards hiding it.
    .addColumn('resolved_at', 'timestamptz')
    .addUniqueConstraint('comment_reports_one_per_browser', ['comment_id', 'visitor_id'])
    .execute();
  await db.schema
    .createIndex('comment_reports_open')
    .on('comment_reports')
    .columns(['comment_id', 'resolved_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('comment_reports').execute();
}
