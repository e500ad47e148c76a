import { type Kysely, sql } from 'kysely';

// Frozen in time: migrations take Kysely<any> and never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A comment's words as a reader sees them: the stored (sanitized) HTML without its
  // tags and with its entities read back. Control characters go too, so the search's
  // snippet markers (chr(2), chr(3)) can only come from ts_headline. Immutable, so a
  // generated column may use it.
  await sql`
    create function search_plain_text(html text) returns text
    language sql immutable parallel safe strict
    as $$
      select replace(replace(replace(replace(replace(replace(
        regexp_replace(regexp_replace(html, '<[^>]*>', ' ', 'g'), '[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f]', '', 'g'),
        '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&nbsp;', ' '), '&amp;', '&')
    $$`.execute(db);

  await sql`
    alter table comments add column search_vector tsvector
    generated always as (to_tsvector('english'::regconfig, search_plain_text(body_html))) stored`.execute(db);
  await sql`create index comments_search on comments using gin (search_vector)`.execute(db);

  // The wording weighs more than the passage it came from.
  await sql`
    alter table questions add column search_vector tsvector
    generated always as (
      setweight(to_tsvector('english'::regconfig, wording), 'A') ||
      setweight(to_tsvector('english'::regconfig, passage), 'B')
    ) stored`.execute(db);
  await sql`create index questions_search on questions using gin (search_vector)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table questions drop column search_vector`.execute(db);
  await sql`alter table comments drop column search_vector`.execute(db);
  await sql`drop function search_plain_text(text)`.execute(db);
}
