import { type Kysely, sql } from 'kysely';

// Frozen in time: migrations take Kysely<any> and never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // Recording an event in one round trip instead of three: take the lock that makes
  // seqs commit in the order they are drawn (7362001, held to the commit), insert the
  // row, and notify every process of its seq. On the embedded database every statement
  // waits its turn on one connection, so a post's statement count is its cost.
  await sql`
    create function forum_record_event(p_question_id integer, p_type text, p_payload jsonb)
    returns table (seq double precision, created_at timestamptz)
    language plpgsql as $$
    declare
      recorded forum_events;
    begin
      perform pg_advisory_xact_lock(7362001);
      insert into forum_events (question_id, type, payload)
        values (p_question_id, p_type, p_payload)
        returning * into recorded;
      perform pg_notify('forum_events', recorded.seq::text);
      return query select recorded.seq::float8, recorded.created_at;
    end
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function forum_record_event(integer, text, jsonb)`.execute(db);
}
