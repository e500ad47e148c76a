import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchForum } from '../../src/search/search.repository.js';
import { storeComment } from '../support/comments.js';
import { answer, commentIdFrom } from '../support/form.js';
import { startTestForum, type TestForum } from '../support/forum.js';
import { signIn } from '../support/moderators.js';

let forum: TestForum;
beforeAll(async () => {
  forum = await startTestForum();
});
afterAll(() => forum.close());

const SLUG = 'how-useful-can-it-be';

interface ApiResult {
  type: 'question' | 'comment';
  id: number;
  url: string;
  snippet_html: string;
}

async function searchApi(q: string, page?: number) {
  const res = await forum
    .browser()
    .get('/api/search')
    .query(page ? { q, page } : { q })
    .expect(200);
  return res.body as { results: ApiResult[]; next_url: string | null };
}

const commentIds = (results: ApiResult[]) => results.filter((r) => r.type === 'comment').map((r) => r.id);

describe('search', () => {
  it('ranks the comment that is most about the words first', async () => {
    const passing = await storeComment(forum.db, SLUG, {
      body: 'A long remark about many things: borders, trade, the weather, and once a quokka, among other matters of state.',
    });
    const focused = await storeComment(forum.db, SLUG, {
      body: 'The quokka question. Every quokka counts; quokka rights first.',
    });
    const { results } = await searchApi('quokka');
    expect(commentIds(results)).toEqual([focused, passing]);
  });

  it('ranks the newest matching answers only, however well an older one matches', async () => {
    const oldest = await storeComment(forum.db, SLUG, { body: 'Capybara. Capybara capybara, capybara!' });
    const middle = await storeComment(forum.db, SLUG, { body: 'A capybara, once.' });
    const newest = await storeComment(forum.db, SLUG, { body: 'The capybara again, and a capybara.' });
    const ids = async (ranked?: number) =>
      (await searchForum(forum.db, 'capybara', { limit: 10, offset: 0 }, ranked)).map((row) => row.id);
    expect(await ids()).toEqual([oldest, newest, middle]);
    expect(await ids(2)).toEqual([newest, middle]);
  });

  it('finds other forms of a word (English stemming)', async () => {
    const id = await storeComment(forum.db, SLUG, { body: 'No treaty binds the zeppelin makers.' });
    expect(commentIds((await searchApi('treaties zeppelins')).results)).toEqual([id]);
  });

  it('matches a phrase in quotes only with its words in that order', async () => {
    const inOrder = await storeComment(forum.db, SLUG, { body: 'A xylophone shows the voluntary code at work.' });
    await storeComment(forum.db, SLUG, { body: 'The code is voluntary, says the xylophone.' });
    expect(commentIds((await searchApi('"voluntary code" xylophone')).results)).toEqual([inOrder]);
  });

  it('leaves out comments with a word after a minus', async () => {
    const kept = await storeComment(forum.db, SLUG, { body: 'Marmalade in Budapest.' });
    const both = await storeComment(forum.db, SLUG, { body: 'Marmalade in Geneva.' });
    expect(commentIds((await searchApi('marmalade')).results).sort()).toEqual([kept, both].sort());
    expect(commentIds((await searchApi('marmalade -geneva')).results)).toEqual([kept]);
  });

  it('finds a new answer at once and forgets a trashed one, though the same search was just kept', async () => {
    expect(commentIds((await searchApi('halibut')).results)).toEqual([]);
    const id = commentIdFrom(await answer(forum.browser(), SLUG, { body: 'Fishing rights, said the halibut.' }));
    expect(commentIds((await searchApi('halibut')).results)).toEqual([id]);
    const mod = await signIn(forum);
    await mod.browser.post(`/mod/comments/${id}/trash`).type('form').send({ _csrf: mod.csrf }).expect(303);
    expect(commentIds((await searchApi('halibut')).results)).toEqual([]);
  });

  it('follows a comment through edits, moderation and deletion', async () => {
    const mod = await signIn(forum, 'admin');
    const act = (id: number, action: string, fields: Record<string, string> = {}) =>
      mod.browser
        .post(`/mod/comments/${id}/${action}`)
        .type('form')
        .send({ _csrf: mod.csrf, ...fields })
        .expect(303);
    const id = commentIdFrom(await answer(forum.browser(), SLUG, { body: 'The wombat treaty.' }));
    await act(id, 'edit', { author: 'Ana', email: 'ana@example.org', url: '', body: 'The numbat treaty.' });
    expect(commentIds((await searchApi('wombat')).results)).toEqual([]);
    expect(commentIds((await searchApi('numbat')).results)).toEqual([id]);
    await act(id, 'trash');
    expect(commentIds((await searchApi('numbat')).results)).toEqual([]);
    await act(id, 'approve');
    expect(commentIds((await searchApi('numbat')).results)).toEqual([id]);
    await act(id, 'trash');
    await act(id, 'delete');
    expect(
      await forum.db.selectFrom('comment_search').select('comment_id').where('comment_id', '=', id).execute(),
    ).toEqual([]);
  });

  it('never shows held, spam or trashed comments', async () => {
    const approved = await storeComment(forum.db, SLUG, { body: 'A kumquat, approved.' });
    for (const status of ['pending', 'spam', 'trash'] as const)
      await storeComment(forum.db, SLUG, { body: `A kumquat, ${status}.`, status });
    expect(commentIds((await searchApi('kumquat')).results)).toEqual([approved]);
    const page = await forum.browser().get('/search').query({ q: 'kumquat' }).expect(200);
    expect(page.text).toContain(`href="/comments/${approved}"`);
    expect(page.text).not.toMatch(/kumquat, (pending|spam|trash)/);
  });

  it('keeps markup in comments inert in snippets, marking only the matched words', async () => {
    const id = await storeComment(forum.db, SLUG, {
      body: '&lt;script&gt;alert(1)&lt;/script&gt; pangolin <img src=x onerror=alert(2)> <b onclick="steal()">pangolin</b> &lt;img src=x onerror=alert(3)&gt; &amp;lt;i&amp;gt;',
    });
    const [hit] = (await searchApi('pangolin')).results;
    expect(hit?.id).toBe(id);
    const tags = hit?.snippet_html.match(/<\/?[a-z][^>]*>/gi) ?? [];
    expect(tags.length).toBeGreaterThan(0);
    expect(tags.every((tag) => tag === '<mark>' || tag === '</mark>')).toBe(true);
    expect(hit?.snippet_html).toContain('<mark>pangolin</mark>');
    expect(hit?.snippet_html).not.toMatch(/<(script|img|b)\b/);

    const page = await forum.browser().get('/search').query({ q: 'pangolin' }).expect(200);
    const results = page.text.slice(page.text.indexOf('search-results'));
    expect(results).not.toMatch(/<(script|img|b)\b|onclick=|onerror=/);
    expect(results).toContain('<mark>pangolin</mark>');
  });

  it('finds questions, linked to their page, and comments by their lasting address', async () => {
    const id = await storeComment(forum.db, SLUG, { body: 'Cyberspace is defined nowhere in the wombat text.' });
    const { results } = await searchApi('wombat');
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      type: 'comment',
      id,
      url: `/comments/${id}`,
      snippet_html: expect.stringContaining('<mark>wombat</mark>'),
    });
    const questions = (await searchApi('definition of cyberspace')).results.filter((r) => r.type === 'question');
    expect(questions[0]).toMatchObject({ url: '/questions/what-is-their-definition-of-cyberspace' });
    await forum
      .browser()
      .get(`/comments/${id}`)
      .expect(302)
      .expect('Location', new RegExp(`/questions/${SLUG}.*#comment-${id}$`));
  });

  it('pages through many results', async () => {
    const ids: number[] = [];
    for (let n = 0; n < 25; n += 1) ids.push(await storeComment(forum.db, SLUG, { body: `Ocelot number ${n}.` }));
    const first = await searchApi('ocelot');
    expect(first.results).toHaveLength(20);
    expect(first.next_url).toBe('/api/search?q=ocelot&page=2');
    const second = await searchApi('ocelot', 2);
    expect(second.results).toHaveLength(5);
    expect(second.next_url).toBeNull();
    expect([...commentIds(first.results), ...commentIds(second.results)].sort()).toEqual(ids.sort());
    const page = await forum.browser().get('/search').query({ q: 'ocelot' }).expect(200);
    // Handlebars writes = as &#x3D; in attributes; a browser reads both the same.
    expect(page.text.replace(/&#x3D;/g, '=')).toContain('href="/search?q=ocelot&amp;page=2" rel="next"');
  });

  it('says what is wrong with an empty or too long query', async () => {
    for (const q of ['', '   ', 'x'.repeat(201)]) {
      const api = await forum.browser().get('/api/search').query({ q }).expect(400);
      expect(api.body.errors.q).toMatch(/Enter the words|200 characters or fewer/);
      const page = await forum.browser().get('/search').query({ q }).expect(400);
      expect(page.text).toContain('class="error-summary"');
      expect(page.text).toMatch(/<a href="#q">(Enter the words to search for|Search for 200 characters or fewer)<\/a>/);
      expect(page.text).toContain('aria-invalid="true"');
    }
    await forum.browser().get('/api/search').expect(400);
    const blank = await forum.browser().get('/search').expect(200);
    expect(blank.text).toContain('<label class="form-label" for="q">');
  });

  it('has a labelled search box in every page header', async () => {
    for (const path of ['/', `/questions/${SLUG}`, '/search?q=anything']) {
      const res = await forum.browser().get(path).expect(200);
      expect(res.text).toMatch(/<form class="site-search" method="get" action="\/search" role="search">/);
      expect(res.text).toContain('<label class="site-search__label" for="site-search-q">');
    }
  });
});
