import { type Kysely, sql } from 'kysely';

// Frozen in time: migrations take Kysely<any> and never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A post's discussion (its comments, as WordPress had them) is a thread like a
  // question's, so it is a question row of its own kind: the same page, form, live
  // updates and moderation. Lists of questions show only kind 'question'.
  await db.schema
    .alterTable('questions')
    .addColumn('kind', 'text', (col) =>
      col.notNull().defaultTo('question').check(sql`kind in ('question', 'discussion')`),
    )
    .execute();
  await db.schema
    .createIndex('questions_one_discussion_per_post')
    .on('questions')
    .column('post_id')
    .unique()
    .where(sql.ref('kind'), '=', sql.lit('discussion'))
    .execute();

  // What a WordPress import brought in, by the site's own ids: importing the same
  // export again finds them here and adds nothing.
  await db.schema
    .createTable('wordpress_imports')
    .addColumn('site', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('post', 'comment')`))
    .addColumn('wordpress_id', 'bigint', (col) => col.notNull())
    .addColumn('local_id', 'integer', (col) => col.notNull())
    .addColumn('imported_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('wordpress_imports_pkey', ['site', 'kind', 'wordpress_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('wordpress_imports').execute();
  await db.schema.dropIndex('questions_one_discussion_per_post').execute();
  await db.schema.alterTable('questions').dropColumn('kind').execute();
}
