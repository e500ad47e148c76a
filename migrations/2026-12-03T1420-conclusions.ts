import { type Kysely, sql } from 'kysely';

// Frozen in time: migrations take Kysely<any> and never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // What became of a question; closing (no more answers) stays its own switch.
  await db.schema
    .alterTable('questions')
    .addColumn('status', 'text', (col) =>
      col.notNull().defaultTo('open').check(sql`status in ('open', 'in-review', 'concluded')`),
    )
    .addColumn('summary_source', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('summary_html', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('summary_updated_at', 'timestamptz')
    .execute();
  // Every revision of a summary, public: who wrote it (as they were named then) and when.
  await db.schema
    .createTable('summary_revisions')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('question_id', 'integer', (col) => col.notNull().references('questions.id').onDelete('cascade'))
    .addColumn('moderator_id', 'integer', (col) => col.references('moderators.id').onDelete('set null'))
    .addColumn('moderator_name', 'text', (col) => col.notNull())
    .addColumn('body_source', 'text', (col) => col.notNull())
    .addColumn('body_html', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('summary_revisions_question')
    .on('summary_revisions')
    .columns(['question_id', 'id'])
    .execute();
  // The public reason a moderator gave for trashing or marking spam; and when a removed
  // comment with replies was deleted, its words and author are erased but its place kept.
  await db.schema
    .alterTable('comments')
    .addColumn('removal_reason', 'text')
    .addColumn('erased_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('comments').dropColumn('erased_at').dropColumn('removal_reason').execute();
  await db.schema.dropTable('summary_revisions').execute();
  await db.schema
    .alterTable('questions')
    .dropColumn('summary_updated_at')
    .dropColumn('summary_html')
    .dropColumn('summary_source')
    .dropColumn('status')
    .execute();
}
