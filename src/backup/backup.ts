import { type Kysely, sql } from 'kysely';

/**
 * What a backup leaves out, in one place: state that only matters while the forum
 * runs (sign-in sessions, failed sign-in counters, used captcha tokens, rate-limit
 * counters, Socket.IO's cross-process payloads) and Kysely's own migration records
 * (the restoring database is migrated by its own code). Every other table of the
 * public schema but DERIVED_TABLES (below) is backed up, so tables added by later
 * features come along unasked.
 */
export const EPHEMERAL_TABLES: ReadonlySet<string> = new Set([
  'sessions',
  'login_attempts',
  'captcha_uses',
  'rate_limits',
  'socket_io_attachments',
  'kysely_migration',
  'kysely_migration_lock',
]);

/**
 * Tables derived from others, not written to a backup: a restore rebuilds each with its
 * function (the comments' search vectors, from the comments).
 */
export const DERIVED_TABLES: Readonly<Record<string, string>> = {
  comment_search: 'comment_search_rebuild',
};

/** Columns never written to a backup: secrets that must not travel in a file. */
export const WITHHELD_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  moderators: ['password_hash'],
};

/**
 * Put in place of a withheld column on restore. Not a hash, so no password matches it:
 * moderators set a new one with `npm run moderator -- reset-password`.
 */
export const WITHHELD_PLACEHOLDER = 'withheld: restored from a backup, reset the password';

export const BACKUP_FORMAT = 'open-questions-backup';

export interface Backup {
  format: typeof BACKUP_FORMAT;
  version: 1;
  createdAt: string;
  /** The migrations the backed-up database had run: a restore needs all of them. */
  migrations: string[];
  /** Rows as PostgreSQL's to_jsonb writes them (the exact inverse of jsonb_populate_record). */
  tables: Record<string, Record<string, unknown>[]>;
  /** Each sequence's state, so new rows after a restore get the ids they would have had. */
  sequences: Record<string, { lastValue: string | null; isCalled: boolean }>;
}

export class BackupError extends Error {}

interface TableShape {
  name: string;
  /** Stored columns (generated ones are recomputed on restore). */
  columns: string[];
  generated: string[];
  primaryKey: string[];
}

/** Every backed-up table with its columns, parents before the tables that refer to them. */
export async function backedUpTables(db: Kysely<any>): Promise<TableShape[]> {
  const { rows: columns } = await sql<{ table_name: string; column_name: string; generated: boolean }>`
    select c.table_name, c.column_name, c.is_generated <> 'NEVER' as generated
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
    order by c.table_name, c.ordinal_position`.execute(db);
  const { rows: keys } = await sql<{ table_name: string; column_name: string }>`
    select tc.table_name, k.column_name
    from information_schema.table_constraints tc
    join information_schema.key_column_usage k
      on k.constraint_name = tc.constraint_name and k.table_schema = tc.table_schema and k.table_name = tc.table_name
    where tc.table_schema = 'public' and tc.constraint_type = 'PRIMARY KEY'
    order by tc.table_name, k.ordinal_position`.execute(db);
  const { rows: references } = await sql<{ child: string; parent: string }>`
    select conrelid::regclass::text as child, confrelid::regclass::text as parent
    from pg_constraint where contype = 'f' and connamespace = 'public'::regnamespace`.execute(db);

  const shapes = new Map<string, TableShape>();
  for (const { table_name, column_name, generated } of columns) {
    if (EPHEMERAL_TABLES.has(table_name) || table_name in DERIVED_TABLES) continue;
    const shape = shapes.get(table_name) ?? { name: table_name, columns: [], generated: [], primaryKey: [] };
    (generated ? shape.generated : shape.columns).push(column_name);
    shapes.set(table_name, shape);
  }
  for (const { table_name, column_name } of keys) shapes.get(table_name)?.primaryKey.push(column_name);

  // Parents first; a table referring to itself (comments' replies) is ordered by key instead.
  const ordered: TableShape[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    const shape = shapes.get(name);
    if (!shape || ordered.includes(shape) || visiting.has(name)) return;
    visiting.add(name);
    for (const { child, parent } of references) if (child === name && parent !== name) visit(parent);
    ordered.push(shape);
  };
  for (const name of [...shapes.keys()].sort()) visit(name);
  return ordered;
}

async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((row) => row.name);
}

/** Everything the forum holds, but what EPHEMERAL_TABLES and WITHHELD_COLUMNS leave out. */
export async function exportBackup(db: Kysely<any>, onTable?: (name: string, rows: number) => void): Promise<Backup> {
  return db.transaction().execute(async (tx) => {
    // One snapshot for every table: rows added meanwhile can never refer to missing ones.
    await sql`set transaction isolation level repeatable read, read only`.execute(tx);
    const tables: Backup['tables'] = {};
    for (const table of await backedUpTables(tx)) {
      const withheld = WITHHELD_COLUMNS[table.name] ?? [];
      const left = [...withheld, ...table.generated];
      const order = table.primaryKey.length > 0 ? table.primaryKey : table.columns;
      const { rows } = await sql<{ row: Record<string, unknown> }>`
        select to_jsonb(t) - ${left}::text[] as row
        from ${sql.table(table.name)} as t
        order by ${sql.join(order.map((column) => sql.ref(`t.${column}`)))}`.execute(tx);
      tables[table.name] = rows.map((r) => r.row);
      onTable?.(table.name, rows.length);
    }
    const { rows: sequences } = await sql<{ name: string; last_value: string | null; is_called: boolean }>`
      select c.relname as name, s.last_value::text as last_value, s.last_value is not null as is_called
      from pg_sequences s join pg_class c on c.relname = s.sequencename
      where s.schemaname = 'public' order by c.relname`.execute(tx);
    return {
      format: BACKUP_FORMAT,
      version: 1,
      createdAt: new Date().toISOString(),
      migrations: await appliedMigrations(tx),
      tables,
      sequences: Object.fromEntries(sequences.map((s) => [s.name, { lastValue: s.last_value, isCalled: s.is_called }])),
    };
  });
}

/** Rows per INSERT: far below PostgreSQL's limits, few round trips. */
const RESTORE_BATCH = 2_000;

/**
 * Restores a backup into a migrated database that holds none of the backed-up data
 * (refused otherwise: a restore never mixes two forums). One transaction: a failed
 * restore leaves the database as it was.
 */
export async function restoreBackup(
  db: Kysely<any>,
  backup: Backup,
  onTable?: (name: string, rows: number) => void,
): Promise<void> {
  if (backup?.format !== BACKUP_FORMAT || backup.version !== 1 || typeof backup.tables !== 'object')
    throw new BackupError('This is not an Open Questions backup (made by `npm run export -- --out <file>`).');
  const known = new Set(await appliedMigrations(db));
  const missing = backup.migrations.filter((name) => !known.has(name));
  if (missing.length > 0)
    throw new BackupError(
      `The backup comes from a newer version of the forum (migrations ${missing.join(', ')}). Update the code first.`,
    );

  await db.transaction().execute(async (tx) => {
    const tables = await backedUpTables(tx);
    for (const table of tables) {
      const { rows } = await sql<{ any: boolean }>`select exists (select from ${sql.table(table.name)}) as any`.execute(
        tx,
      );
      if (rows[0]?.any)
        throw new BackupError(
          `The database is not empty (table ${table.name} has rows). Restore into a new, empty database.`,
        );
    }
    const unknown = Object.keys(backup.tables).filter((name) => !tables.some((t) => t.name === name));
    if (unknown.length > 0)
      throw new BackupError(`The backup has tables this forum does not know: ${unknown.join(', ')}.`);

    for (const table of tables) {
      const rows = backup.tables[table.name] ?? [];
      const withheld = WITHHELD_COLUMNS[table.name] ?? [];
      // Columns the backup has (an older backup may lack newer ones: they take their defaults).
      const present = table.columns.filter((column) => rows.some((row) => column in row) && !withheld.includes(column));
      // The rows are restored as they were: triggers that keep derived columns (a
      // question's answer count) must not count them a second time.
      await sql`alter table ${sql.table(table.name)} disable trigger user`.execute(tx);
      for (let start = 0; start < rows.length; start += RESTORE_BATCH) {
        const batch = rows.slice(start, start + RESTORE_BATCH).map((row) => {
          const filled: Record<string, unknown> = { ...row };
          for (const column of withheld) filled[column] = WITHHELD_PLACEHOLDER;
          return filled;
        });
        const columns = [...present, ...withheld.filter((column) => table.columns.includes(column))];
        await sql`
          insert into ${sql.table(table.name)} (${sql.join(columns.map((column) => sql.id(column)))})
          select ${sql.join(columns.map((column) => sql.ref(`r.${column}`)))}
          from jsonb_populate_recordset(null::${sql.table(table.name)}, ${JSON.stringify(batch)}::jsonb) as r`.execute(
          tx,
        );
      }
      await sql`alter table ${sql.table(table.name)} enable trigger user`.execute(tx);
      onTable?.(table.name, rows.length);
    }
    for (const rebuild of Object.values(DERIVED_TABLES)) await sql`select ${sql.raw(rebuild)}()`.execute(tx);
    for (const [name, state] of Object.entries(backup.sequences ?? {})) {
      if (state.lastValue === null) continue;
      await sql`select setval(${name}::regclass, ${state.lastValue}::bigint, ${state.isCalled})`.execute(tx);
    }
  });
}
