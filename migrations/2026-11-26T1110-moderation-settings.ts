import { type Kysely, sql } from 'kysely';

// Frozen in time: migrations take Kysely<any> and never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // The moderation rules as admins set them at /mod/settings; a key absent here
  // takes its default from the environment.
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('value', 'jsonb', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'integer')
    .execute();

  // The flood rule looks up the newest comment from an IP or an email address.
  await db.schema.createIndex('comments_ip_created').on('comments').columns(['ip', 'created_at']).execute();
  await db.schema
    .createIndex('comments_email_created')
    .on('comments')
    .expression(sql`lower(email), created_at`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('comments_email_created').execute();
  await db.schema.dropIndex('comments_ip_created').execute();
  await db.schema.dropTable('settings').execute();
}
