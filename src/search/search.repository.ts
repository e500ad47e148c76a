import { sql } from 'kysely';
import type { DB } from '../db/database.js';

/**
 * Marks ts_headline puts around matched words. Control characters, which
 * search_plain_text (the migration) removes from comments and the query removes from
 * questions, so they can only come from ts_headline: the snippet is escaped as text
 * and only these become <mark>.
 */
export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';

export interface SearchHitRow {
  type: 'question' | 'comment';
  id: number;
  slug: string;
  wording: string;
  author: string | null;
  created_at: Date | null;
  headline: string;
}

// Two short fragments read like a search engine's snippet; whole comments would not.
const HEADLINE_OPTIONS = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;

/**
 * Answers ranked per search: the newest this many that match. A common word can match
 * a sixth of all answers; ranking every one of a million took seconds. The newest
 * thousand are found by reading the answers' vectors (`comment_search`) newest first
 * until that many match (or,
 * for a rarer word, from the GIN index: PostgreSQL picks by the word's frequency), so a
 * search costs about the same whatever the forum's size. 50 pages of 20 fit in it.
 */
export const RANKED_ANSWERS = 1_000;

/**
 * One page of questions and published answers matching a web-style query (words,
 * "phrases", -exclusions), best first among every matching question and the newest
 * RANKED_ANSWERS matching answers. Ranking reads only the stored tsvectors; the
 * snippets are made for the page's rows alone, after the limit.
 */
export async function searchForum(
  db: DB,
  query: string,
  page: { limit: number; offset: number },
  rankedAnswers = RANKED_ANSWERS,
) {
  const { rows } = await sql<SearchHitRow>`
    with query as (select websearch_to_tsquery('english', ${query}) as q),
    hits as (
      select 'question' as type, qu.id, ts_rank(qu.search_vector, query.q) as rank
      from questions qu, query
      where qu.search_vector @@ query.q and qu.kind = 'question'
      union all
      select 'comment' as type, recent.id, ts_rank(recent.search_vector, query.q) as rank
      from (
        -- The query is written out here, not taken from the CTE, so the planner sees
        -- the words and can tell a common one from a rare one. comment_search is the
        -- comments' vectors alone (a third of a comment row), kept by a trigger.
        select s.comment_id as id, s.search_vector from comment_search s
        where s.search_vector @@ websearch_to_tsquery('english', ${query}) and s.approved
        order by s.comment_id desc
        limit ${rankedAnswers}
      ) recent, query
    ),
    page as (
      select * from hits order by rank desc, type desc, id desc limit ${page.limit} offset ${page.offset}
    )
    select page.type, page.id, qu.slug, qu.wording, c.author, c.created_at,
      ts_headline('english',
        case when page.type = 'comment' then search_plain_text(c.body_html)
             else translate(qu.wording || ' ' || qu.passage, chr(1) || chr(2) || chr(3), '') end,
        query.q, ${HEADLINE_OPTIONS}) as headline
    from page
    cross join query
    left join comments c on page.type = 'comment' and c.id = page.id
    join questions qu on qu.id = case when page.type = 'comment' then c.question_id else page.id end
    order by page.rank desc, page.type desc, page.id desc`.execute(db);
  return rows;
}
