import { type Kysely, sql } from 'kysely';

/**
 * Question activity (answer counts, newest answer) is applied at commit instead of in
 * the statement that changes comments. Every answer to a question updates that
 * question's row, and an updated row stays locked until its transaction ends: applied
 * mid-transaction, the lock was held across the rest of the transaction's round trips
 * to the app (recording the event, the commit), so answers to one question queued
 * behind each other for all of that. Now the statement-level triggers only note their
 * changes in a transaction-local setting, and a deferred trigger applies them all at
 * commit, inside the server, holding the row only for the update and the commit.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Appends changes ([{q, d}]) to what this transaction has noted so far.
  await sql`
    create function questions_defer_answers(changes jsonb) returns void language sql as $$
      select set_config(
        'open_questions.pending_answers',
        (coalesce(nullif(current_setting('open_questions.pending_answers', true), ''), '[]')::jsonb || changes)::text,
        true
      )
      where jsonb_array_length(changes) > 0
    $$
  `.execute(db);
  await defineActivityTriggers(db, 'questions_defer_answers');
  // Fires at commit for each changed comment; the first firing applies everything noted
  // and clears it, so the rest find nothing to do.
  await sql`
    create function comments_apply_activity() returns trigger language plpgsql as $$
    declare
      pending text := nullif(current_setting('open_questions.pending_answers', true), '');
    begin
      if pending is not null then
        perform set_config('open_questions.pending_answers', '', true);
        perform questions_note_answers(pending::jsonb);
      end if;
      return null;
    end $$
  `.execute(db);
  await sql`
    create constraint trigger comments_apply_activity
    after insert or update or delete on comments
    deferrable initially deferred
    for each row execute function comments_apply_activity()
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger comments_apply_activity on comments`.execute(db);
  await sql`drop function comments_apply_activity()`.execute(db);
  await defineActivityTriggers(db, 'questions_note_answers');
  await sql`drop function questions_defer_answers(jsonb)`.execute(db);
}

/**
 * The statement-level trigger functions of `2026-12-03T1700-question-activity`: each
 * hands a statement's changes to answer counts ([{q, d}]) to `apply`, which notes them
 * for the commit (`questions_defer_answers`, this migration) or applies them at once
 * (`questions_note_answers`, before it).
 */
async function defineActivityTriggers(
  db: Kysely<any>,
  apply: 'questions_defer_answers' | 'questions_note_answers',
): Promise<void> {
  const changed = (rows: 'new_comments' | 'old_comments', sign: 1 | -1) =>
    sql`
      perform ${sql.raw(apply)}(coalesce(jsonb_agg(jsonb_build_object('q', question_id, 'd', ${sql.lit(sign)})), '[]'))
      from ${sql.raw(rows)} where status = 'approved';`;
  await sql`
    create or replace function comments_after_insert_activity() returns trigger language plpgsql as $$
    begin
      ${changed('new_comments', 1)}
      return null;
    end $$
  `.execute(db);
  await sql`
    create or replace function comments_after_delete_activity() returns trigger language plpgsql as $$
    begin
      ${changed('old_comments', -1)}
      return null;
    end $$
  `.execute(db);
  await sql`
    create or replace function comments_after_update_activity() returns trigger language plpgsql as $$
    begin
      perform ${sql.raw(apply)}(coalesce(jsonb_agg(change), '[]'))
      from (
        select jsonb_build_object('q', o.question_id, 'd', -1) as change
        from old_comments o join new_comments n on n.id = o.id
        where o.status = 'approved' and (n.status <> 'approved' or n.question_id <> o.question_id)
        union all
        select jsonb_build_object('q', n.question_id, 'd', 1)
        from old_comments o join new_comments n on n.id = o.id
        where n.status = 'approved' and (o.status <> 'approved' or n.question_id <> o.question_id)
      ) changes;
      return null;
    end $$
  `.execute(db);
}
