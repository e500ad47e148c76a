import { type Kysely, sql } from 'kysely';

/**
 * On a database server, an event's seq is drawn at commit. Seqs must commit in the
 * order they are drawn (a reader that has seen N must never later find an N - 1), so
 * they are drawn under a lock held to the end of the commit. Drawn when the event was
 * written, that lock was held across the writer's round trip back to the app and its
 * COMMIT: every write on the forum queued behind the one before for a round trip.
 * Now the event is written with a provisional seq, and at commit a deferred trigger
 * takes the lock, gives the row its real seq and notifies, all inside the server.
 * (The embedded database runs one transaction at a time, so it keeps drawing the seq
 * at once with forum_record_event, which returns it: no lock is ever waited for there.)
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('forum_events')
    .addColumn('provisional', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute();
  await sql`
    create function forum_record_event_at_commit(p_question_id integer, p_type text, p_payload jsonb)
    returns void language sql as $$
      insert into forum_events (question_id, type, payload, provisional)
      values (p_question_id, p_type, p_payload, true)
    $$
  `.execute(db);
  await sql`
    create function forum_events_number_at_commit() returns trigger language plpgsql as $$
    declare
      numbered bigint;
    begin
      perform pg_advisory_xact_lock(7362001);
      update forum_events
        set seq = nextval(pg_get_serial_sequence('forum_events', 'seq')), provisional = false
        where seq = new.seq
        returning seq into numbered;
      perform pg_notify('forum_events', numbered::text);
      return null;
    end $$
  `.execute(db);
  await sql`
    create constraint trigger forum_events_number_at_commit
    after insert on forum_events
    deferrable initially deferred
    for each row when (new.provisional)
    execute function forum_events_number_at_commit()
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger forum_events_number_at_commit on forum_events`.execute(db);
  await sql`drop function forum_events_number_at_commit()`.execute(db);
  await sql`drop function forum_record_event_at_commit(integer, text, jsonb)`.execute(db);
  await db.schema.alterTable('forum_events').dropColumn('provisional').execute();
}
