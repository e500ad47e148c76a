import { type Kysely, sql } from 'kysely';

/**
 * Search reads answers newest first until enough match (search.repository.ts), and a
 * comment row is about 1.2 kB (its source, its HTML, its search vector), so a phrase
 * that matches one answer in fifty read 100 MB of heap to find a thousand. The search
 * vectors move to a narrow table of their own, `comment_search` (the comment's id,
 * whether it is public, its vector: about 400 bytes a row), kept by a trigger on
 * comments in the same transaction as every insert, edit and status change. It holds
 * nothing a backup must carry: a restore rebuilds it (`comment_search_rebuild()`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table comment_search (
      comment_id integer primary key references comments (id) on delete cascade,
      approved boolean not null,
      search_vector tsvector not null
    )`.execute(db);
  await sql`
    insert into comment_search (comment_id, approved, search_vector)
    select id, status = 'approved', search_vector from comments`.execute(db);
  await sql`create index comment_search_vector on comment_search using gin (search_vector)`.execute(db);
  await sql`drop index comments_search`.execute(db);
  await sql`alter table comments drop column search_vector`.execute(db);

  // PL/pgSQL, not SQL: it runs on every post, and PL/pgSQL keeps its plans.
  await sql`
    create function comments_sync_search() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' or new.body_html is distinct from old.body_html then
        insert into comment_search (comment_id, approved, search_vector)
        values (new.id, new.status = 'approved', to_tsvector('english'::regconfig, search_plain_text(new.body_html)))
        on conflict (comment_id) do update
          set approved = excluded.approved, search_vector = excluded.search_vector;
      elsif new.status is distinct from old.status then
        update comment_search set approved = new.status = 'approved' where comment_id = new.id;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger comments_sync_search after insert or update of status, body_html on comments
    for each row execute function comments_sync_search()`.execute(db);

  // After a restore (which restores comments with their triggers off).
  await sql`
    create function comment_search_rebuild() returns void language sql as $$
      insert into comment_search (comment_id, approved, search_vector)
      select id, status = 'approved', to_tsvector('english'::regconfig, search_plain_text(body_html)) from comments
      on conflict (comment_id) do update set approved = excluded.approved, search_vector = excluded.search_vector
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function comment_search_rebuild()`.execute(db);
  await sql`drop trigger comments_sync_search on comments`.execute(db);
  await sql`drop function comments_sync_search()`.execute(db);
  await sql`
    alter table comments add column search_vector tsvector
    generated always as (to_tsvector('english'::regconfig, search_plain_text(body_html))) stored`.execute(db);
  await sql`create index comments_search on comments using gin (search_vector)`.execute(db);
  await sql`drop table comment_search`.execute(db);
}
