import { type Kysely, sql } from 'kysely';

// Frozen in time: migrations take Kysely<any> and never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('posts')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('slug', 'text', (col) => col.notNull().unique())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('category', 'text')
    .addColumn('published_on', 'date')
    .addColumn('source_title', 'text')
    .addColumn('source_name', 'text')
    .addColumn('source_line', 'text')
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('questions')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('post_id', 'integer', (col) => col.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('slug', 'text', (col) => col.notNull().unique())
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('wording', 'text', (col) => col.notNull())
    .addColumn('quote', 'text', (col) => col.notNull())
    .addColumn('quote_start', 'integer')
    .addColumn('passage', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('questions_post_position').on('questions').columns(['post_id', 'position']).execute();

  await db.schema
    .createTable('comments')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('question_id', 'integer', (col) => col.notNull().references('questions.id').onDelete('cascade'))
    // parent_id is where the comment sits in the tree; in_reply_to_id is what the person
    // answered, which differs when the depth cap moved the reply up a level.
    .addColumn('parent_id', 'integer', (col) => col.references('comments.id').onDelete('cascade'))
    .addColumn('in_reply_to_id', 'integer', (col) => col.references('comments.id').onDelete('set null'))
    .addColumn('root_id', 'integer', (col) => col.notNull())
    .addColumn('depth', 'integer', (col) => col.notNull())
    // Ancestor ids, zero-padded and dot-joined: sorting by path gives display order.
    .addColumn('path', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('approved', 'pending', 'spam', 'trash')`))
    .addColumn('held_by_rule', 'text')
    .addColumn('author', 'text', (col) => col.notNull())
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('url', 'text')
    .addColumn('body_source', 'text', (col) => col.notNull())
    .addColumn('body_html', 'text', (col) => col.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('visitor_id', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  // The thread page: approved comments of the roots on one page, in path order.
  await db.schema
    .createIndex('comments_thread')
    .on('comments')
    .columns(['question_id', 'status', 'root_id', 'path'])
    .execute();
  // Paging through top-level comments, and counting answers per question.
  await db.schema
    .createIndex('comments_roots')
    .on('comments')
    .columns(['question_id', 'status', 'id'])
    .where(sql.ref('parent_id'), 'is', null)
    .execute();
  // Catch-up ("everything after id N") and answer counts.
  await db.schema.createIndex('comments_question_id').on('comments').columns(['question_id', 'status', 'id']).execute();
  await db.schema.createIndex('comments_visitor').on('comments').columns(['visitor_id', 'question_id']).execute();
  await db.schema.createIndex('comments_parent').on('comments').column('parent_id').execute();

  // Solved captcha tokens: a token may be used once, from any process.
  await db.schema
    .createTable('captcha_uses')
    .addColumn('nonce', 'text', (col) => col.primaryKey())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('captcha_uses_expires').on('captcha_uses').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('captcha_uses').execute();
  await db.schema.dropTable('comments').execute();
  await db.schema.dropTable('questions').execute();
  await db.schema.dropTable('posts').execute();
}
