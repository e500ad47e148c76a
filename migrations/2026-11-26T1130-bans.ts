import { type Kysely, sql } from 'kysely';

// Frozen in time: migrations take Kysely<any> and never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bans')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('email', 'ip')`))
    // A lower-cased email, or an IP range in canonical CIDR text (a single address has no prefix).
    .addColumn('value', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'integer')
    .addColumn('created_by_name', 'text', (col) => col.notNull())
    .addColumn('lifted_at', 'timestamptz')
    .addColumn('lifted_by_name', 'text')
    .execute();
  await db.schema.createIndex('bans_kind_value').on('bans').columns(['kind', 'value']).execute();

  // Every refused attempt by a banned poster.
  await db.schema
    .createTable('ban_attempts')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('ban_id', 'integer', (col) => col.notNull().references('bans.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('email', 'text')
    .addColumn('ip', 'text')
    .addColumn('question_id', 'integer')
    .execute();
  await db.schema.createIndex('ban_attempts_ban').on('ban_attempts').column('ban_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ban_attempts').execute();
  await db.schema.dropTable('bans').execute();
}
