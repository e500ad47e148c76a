import type { Kysely } from 'kysely';
import type { Database, DB } from '../db/database.js';

export async function loadStoredSettings(db: DB): Promise<Map<string, unknown>> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).execute();
  return new Map(rows.map((row) => [row.key, typeof row.value === 'string' ? safeJson(row.value) : row.value]));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function storeSettings(
  db: Kysely<Database>,
  values: Record<string, unknown>,
  moderatorId: number,
  now: Date,
): Promise<void> {
  const rows = Object.entries(values).map(([key, value]) => ({
    key,
    value: JSON.stringify(value),
    updated_at: now,
    updated_by: moderatorId,
  }));
  if (rows.length === 0) return;
  await db
    .insertInto('settings')
    .values(rows)
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        value: eb.ref('excluded.value'),
        updated_at: eb.ref('excluded.updated_at'),
        updated_by: eb.ref('excluded.updated_by'),
      })),
    )
    .execute();
}

/** Forgets stored values: those settings follow the environment's defaults again. */
export async function forgetSettings(db: Kysely<Database>, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.deleteFrom('settings').where('key', 'in', keys).execute();
}
