import { Router } from 'express';
import { AppError } from '../http/app-error.js';
import type { Templates } from '../views/templates.js';
import { parseSearchRequest, QUERY_LIMIT, type Search, type SearchPage } from './search.service.js';

export function searchRoutes(deps: { search: Search; templates: Templates }): Router {
  const { search, templates } = deps;
  const router = Router();

  router.get('/search', async (req, res) => {
    // Opening /search without a query is a search page waiting for words, not an error.
    if (req.query.q === undefined) {
      res.send(templates.page('search', searchPageModel(undefined, '')));
      return;
    }
    const typed = typeof req.query.q === 'string' ? req.query.q : '';
    try {
      const found = await search(parseSearchRequest(req.query));
      res.send(templates.page('search', searchPageModel(found, typed)));
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 400) throw error;
      // The form comes back with what was typed and the message beside the field.
      res.status(400).send(
        templates.page('search', {
          ...searchPageModel(undefined, typed),
          title: 'There is a problem: search',
          error: error.message,
        }),
      );
    }
  });

  router.get('/api/search', async (req, res) => {
    const found = await search(parseSearchRequest(req.query));
    res.json({
      query: found.query,
      page: found.page,
      results: found.results.map((result) => ({
        type: result.type,
        id: result.id,
        url: result.url,
        snippet_html: result.snippetHtml,
        question: result.question,
        author: result.author,
        created_at: result.createdAt,
      })),
      next_url: found.hasMore ? apiPageUrl('/api/search', found.query, found.page + 1) : null,
    });
  });

  return router;
}

function searchPageModel(found: SearchPage | undefined, typed: string) {
  return {
    title: found ? `Search: ${found.query}` : 'Search',
    query: typed,
    queryLimit: QUERY_LIMIT,
    searched: Boolean(found),
    results: found?.results.map((result) => ({ ...result, isComment: result.type === 'comment' })) ?? [],
    page: found?.page,
    previous: found && found.page > 1 ? apiPageUrl('/search', found.query, found.page - 1) : null,
    next: found?.hasMore ? apiPageUrl('/search', found.query, found.page + 1) : null,
  };
}

function apiPageUrl(path: string, query: string, page: number): string {
  const params = new URLSearchParams({ q: query });
  if (page > 1) params.set('page', String(page));
  return `${path}?${params}`;
}
