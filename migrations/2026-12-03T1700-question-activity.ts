import { type Kysely, sql } from 'kysely';

/**
 * Many posts (issue 17): lists of every question sorted by activity or answers must not
 * count a million comments per view. Each question keeps its approved-answer count and
 * its newest approved answer on its own row, kept by triggers in the same transaction as
 * the comments change, whoever changes them (posting, moderation, imports, bulk seeds).
 * The triggers fire once per statement, so a bulk insert of 1,000 comments updates each
 * question once, not 1,000 times.
 *
 * And readers' marks: per browser (the visitor cookie), the newest comment it has seen
 * on each question, in one small row read once per page view.
 */

// Frozen in time: migrations take Kysely<any> and never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('questions')
    .addColumn('answer_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_answer_id', 'integer')
    .addColumn('last_answer_at', 'timestamptz')
    .execute();

  // Counts move by the change; the newest answer is looked up again through the index
  // (question_id, status, id): one probe, however long the thread.
  await sql`
    create function questions_note_answers(changes jsonb) returns void language sql as $$
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
      where q.id = delta.question_id
    $$
  `.execute(db);

  await sql`
    create function comments_after_insert_activity() returns trigger language plpgsql as $$
    begin
      perform questions_note_answers(coalesce(jsonb_agg(jsonb_build_object('q', question_id, 'd', 1)), '[]'))
      from new_comments where status = 'approved';
      return null;
    end $$
  `.execute(db);
  await sql`
    create function comments_after_delete_activity() returns trigger language plpgsql as $$
    begin
      perform questions_note_answers(coalesce(jsonb_agg(jsonb_build_object('q', question_id, 'd', -1)), '[]'))
      from old_comments where status = 'approved';
      return null;
    end $$
  `.execute(db);
  // Only status (or question) changes move counts; edits and highlights change nothing here.
  await sql`
    create function comments_after_update_activity() returns trigger language plpgsql as $$
    begin
      perform questions_note_answers(coalesce(jsonb_agg(change), '[]'))
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
  await sql`
    create trigger comments_insert_activity after insert on comments
    referencing new table as new_comments
    for each statement execute function comments_after_insert_activity()
  `.execute(db);
  await sql`
    create trigger comments_delete_activity after delete on comments
    referencing old table as old_comments
    for each statement execute function comments_after_delete_activity()
  `.execute(db);
  await sql`
    create trigger comments_update_activity after update on comments
    referencing old table as old_comments new table as new_comments
    for each statement execute function comments_after_update_activity()
  `.execute(db);

  await sql`
    update questions q
    set answer_count = counted.n, last_answer_id = newest.id, last_answer_at = newest.created_at
    from (
      select q2.id, (select count(*)::int from comments c where c.question_id = q2.id and c.status = 'approved') as n
      from questions q2
    ) counted
    left join lateral (
      select c.id, c.created_at from comments c
      where c.question_id = counted.id and c.status = 'approved'
      order by c.id desc limit 1
    ) newest on true
    where q.id = counted.id
  `.execute(db);

  // GET /questions: most recently active first (a question without answers is as active as it is new),
  // most answered first, newest first (the primary key).
  await sql`create index questions_active on questions ((coalesce(last_answer_at, created_at)) desc, id desc)`.execute(
    db,
  );
  await db.schema.createIndex('questions_answers').on('questions').columns(['answer_count desc', 'id desc']).execute();
  // The front page: newest posts first.
  await sql`create index posts_newest on posts (published_on desc nulls last, id desc)`.execute(db);

  await db.schema
    .createTable('reader_marks')
    .addColumn('visitor_id', 'text', (col) => col.primaryKey())
    // { "<question id>": <newest comment id seen>, ... }, bounded by the application.
    .addColumn('marks', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('seen_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  // Forgetting readers not seen for 90 days.
  await db.schema.createIndex('reader_marks_seen').on('reader_marks').column('seen_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reader_marks').execute();
  await db.schema.dropIndex('posts_newest').execute();
  await db.schema.dropIndex('questions_answers').execute();
  await db.schema.dropIndex('questions_active').execute();
  await sql`drop trigger comments_update_activity on comments`.execute(db);
  await sql`drop trigger comments_delete_activity on comments`.execute(db);
  await sql`drop trigger comments_insert_activity on comments`.execute(db);
  await sql`drop function comments_after_update_activity()`.execute(db);
  await sql`drop function comments_after_delete_activity()`.execute(db);
  await sql`drop function comments_after_insert_activity()`.execute(db);
  await sql`drop function questions_note_answers(jsonb)`.execute(db);
  await db.schema
    .alterTable('questions')
    .dropColumn('last_answer_at')
    .dropColumn('last_answer_id')
    .dropColumn('answer_count')
    .execute();
}
