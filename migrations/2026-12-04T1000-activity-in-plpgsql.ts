import { type Kysely, sql } from 'kysely';

/**
 * The answer-count functions of `2026-12-03T1700-question-activity` and
 * `2026-12-04T0910-question-activity-at-commit`, unchanged in what they do, in PL/pgSQL
 * instead of SQL. A SQL function that is not inlined parses and plans its query on
 * every call, and these run on every post: on the embedded database (PostgreSQL as
 * WebAssembly) planning the update took about 0.6 ms of a post's 2 ms in the database.
 * PL/pgSQL keeps the plan for the session. Down puts the SQL versions back.
 */

// Applies changes ([{q, d}]) to answer counts and each question's newest answer.
const noteAnswers = sql`
  with delta as (
    select (c->>'q')::int as question_id, sum((c->>'d')::int)::int as delta
    from jsonb_array_elements(changes) as c
    group by 1
  )
  update questions q
  set answer_count = q.answer_count + delta.delta,
      last_answer_id = newest.id,
      last_answer_at = newest.created_at
  from delta
  left join lateral (
    select c.id, c.created_at from comments c
    where c.question_id = delta.question_id and c.status = 'approved'
    order by c.id desc limit 1
  ) newest on true
  where q.id = delta.question_id`;

// Appends changes to what this transaction has noted so far.
const pendingWithChanges = sql`
  (coalesce(nullif(current_setting('open_questions.pending_answers', true), ''), '[]')::jsonb || changes)::text`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function questions_note_answers(changes jsonb) returns void language plpgsql as $$
    begin
      ${noteAnswers};
    end $$
  `.execute(db);
  await sql`
    create or replace function questions_defer_answers(changes jsonb) returns void language plpgsql as $$
    begin
      if jsonb_array_length(changes) > 0 then
        perform set_config('open_questions.pending_answers', ${pendingWithChanges}, true);
      end if;
    end $$
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function questions_note_answers(changes jsonb) returns void language sql as $$
      ${noteAnswers}
    $$
  `.execute(db);
  await sql`
    create or replace function questions_defer_answers(changes jsonb) returns void language sql as $$
      select set_config('open_questions.pending_answers', ${pendingWithChanges}, true)
      where jsonb_array_length(changes) > 0
    $$
  `.execute(db);
}
