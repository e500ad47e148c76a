import { type Kysely, sql } from 'kysely';

// Frozen in time: migrations take Kysely<any> and never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // Set when a moderator closes the question to new comments.
  await db.schema.alterTable('questions').addColumn('closed_at', 'timestamptz').execute();
  // Answers a moderator picked to show first on the thread.
  await db.schema
    .alterTable('comments')
    .addColumn('highlighted', 'boolean', (col) => col.notNull().defaultTo(sql`false`))
    .execute();
  await db.schema
    .createIndex('comments_highlighted')
    .on('comments')
    .columns(['question_id', 'id'])
    .where(sql.ref('highlighted'), '=', sql.lit(true))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('comments_highlighted').execute();
  await db.schema.alterTable('comments').dropColumn('highlighted').execute();
  await db.schema.alterTable('questions').dropColumn('closed_at').execute();
}
