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
 * One page of questions and published answers matching a web-style query (words,
 * "phrases", -exclusions), best first. Ranking reads only the stored tsvectors; the
 * snippets are made for the page's rows alone, after the limit.
 */
export async function searchForum(db: DB, query: string, page: { limit: number; offset: number }) {
  const { rows } = await sql<SearchHitRow>`
    with query as (select websearch_to_tsquery('english', ${query}) as q),
    hits as (
      select 'question' as type, qu.id, ts_rank(qu.search_vector, query.q) as rank
      from questions qu, query
      where qu.search_vector @@ query.q and qu.kind = 'question'
      union all
      select 'comment' as type, c.id, ts_rank(c.search_vector, query.q) as rank
      from comments c, query
      where c.search_vector @@ query.q and c.status = 'approved'
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
