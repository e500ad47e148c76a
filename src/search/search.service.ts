import { z } from 'zod';
import { commentAddress } from '../comments/comment.js';
import type { DB } from '../db/database.js';
import type { EventLog } from '../events/event-log.js';
import type { LoggedEvent } from '../events/forum-event.js';
import { AppError } from '../http/app-error.js';
import { messages } from '../messages.js';
import { PageCache } from '../questions/page-cache.js';
import { questionPath } from '../questions/question.js';
import { searchForum } from './search.repository.js';
import { snippetHtml } from './snippet.js';

/** Long enough for a quoted sentence; longer is a paste, not a search. */
export const QUERY_LIMIT = 200;
export const RESULTS_PER_PAGE = 20;
/** Nobody reads 50 pages of results; deep offsets only cost the database. */
const MAX_PAGE = 50;
/** Searches kept (a minute at most: results show relative times). */
const KEPT_SEARCHES = 1_000;
const KEPT_MS = 60_000;

export const searchRequest = z.object({
  q: z
    .string({ error: messages.searchQueryRequired })
    .trim()
    .min(1, messages.searchQueryRequired)
    .max(QUERY_LIMIT, messages.searchQueryTooLong(QUERY_LIMIT)),
  page: z
    .string()
    .regex(/^[1-9]\d{0,2}$/, messages.searchPageInvalid)
    .transform(Number)
    .refine((n) => n <= MAX_PAGE, messages.searchPageInvalid)
    .optional(),
});

export type SearchRequest = z.infer<typeof searchRequest>;

export interface SearchResult {
  type: 'question' | 'comment';
  id: number;
  url: string;
  /** The matched words in <mark>, everything else escaped text. */
  snippetHtml: string;
  /** The question, for a question; the question answered, for a comment. */
  question: { wording: string; url: string };
  author: string | null;
  createdAt: Date | null;
}

export interface SearchPage {
  query: string;
  page: number;
  results: SearchResult[];
  hasMore: boolean;
}

/** The query string of a search request, or a 400 saying what is wrong with it. */
export function parseSearchRequest(query: unknown): SearchRequest {
  const parsed = searchRequest.safeParse(query);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = String(issue?.path[0] ?? 'q');
  const message = issue?.message ?? messages.searchQueryRequired;
  throw new AppError(400, 'invalid_search', message, { [field]: message });
}

export async function search(db: DB, request: SearchRequest): Promise<SearchPage> {
  const page = request.page ?? 1;
  // One more than a page says whether there is a next one, without counting every match.
  const rows = await searchForum(db, request.q, {
    limit: RESULTS_PER_PAGE + 1,
    offset: (page - 1) * RESULTS_PER_PAGE,
  });
  return {
    query: request.q,
    page,
    hasMore: rows.length > RESULTS_PER_PAGE,
    results: rows.slice(0, RESULTS_PER_PAGE).map((row) => ({
      type: row.type,
      id: row.id,
      url: row.type === 'comment' ? commentAddress(row.id) : questionPath(row.slug),
      snippetHtml: snippetHtml(row.headline),
      question: { wording: row.wording, url: questionPath(row.slug) },
      author: row.author,
      createdAt: row.created_at ? new Date(row.created_at) : null,
    })),
  };
}

/**
 * Whether a change can alter what a search finds or shows: text, visibility, questions.
 * Every event type is named, so a new one must be decided here (as in pagesAffectedBy).
 */
export function changesSearchResults(event: LoggedEvent): boolean {
  switch (event.type) {
    case 'comment.published':
    case 'comment.edited':
    case 'comment.removed':
    case 'comment.moderated':
    case 'question.added':
    case 'question.updated':
      return true;
    case 'comment.reported':
      return event.hidden;
    // Held comments are not searched; votes, summaries, settings and bans change no result.
    case 'comment.held':
    case 'comment.voted':
    case 'question.summarised':
    case 'settings.changed':
    case 'bans.changed':
      return false;
  }
}

/**
 * Search as readers use it: the same words are often searched again (a link shared,
 * the next page and back), and ranking the matches of a common word is the costly
 * part, so pages of results are kept in this process until a change could alter them.
 * A consumer of the event log: any new, edited, removed or approved comment or changed
 * question, here or on another process, drops every kept search.
 */
export function createSearch(db: DB, log: Pick<EventLog, 'subscribe'>) {
  const kept = new PageCache<SearchPage>(KEPT_SEARCHES, KEPT_MS);
  log.subscribe('search', (events) => {
    if (events.some(changesSearchResults)) kept.clear();
  });
  return (request: SearchRequest): Promise<SearchPage> =>
    kept.get(0, JSON.stringify([request.q, request.page ?? 1]), () => search(db, request));
}

export type Search = ReturnType<typeof createSearch>;
