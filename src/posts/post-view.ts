import Handlebars from 'handlebars';
import { questionPath } from '../questions/question.js';

const escapeHtml = Handlebars.escapeExpression;

interface LinkedQuestion {
  slug: string;
  wording: string;
  quote: string;
  quoteStart: number | null;
}

/**
 * The post body as HTML: one paragraph per block of text, each open question's words
 * linked to its thread, and the citation line shown as a citation. Pure.
 */
export function renderPostBody(
  body: string,
  questions: readonly LinkedQuestion[],
  citation: { line: string | null; title: string | null; name: string | null; date: string } | null,
): string {
  const anchored = questions
    .filter((q) => q.quoteStart !== null && body.startsWith(q.quote, q.quoteStart))
    .sort((a, b) => (a.quoteStart as number) - (b.quoteStart as number));
  const html: string[] = [];
  let offset = 0;
  for (const paragraph of body.split('\n\n')) {
    const start = offset;
    offset += paragraph.length + 2;
    if (citation?.line && paragraph === citation.line) {
      html.push(renderCitation(citation));
      continue;
    }
    let cursor = 0;
    let text = '';
    for (const question of anchored) {
      const from = (question.quoteStart as number) - start;
      if (from < cursor || from >= paragraph.length) continue;
      text += escapeHtml(paragraph.slice(cursor, from));
      text += `<a class="question-link" href="${questionPath(question.slug)}" title="Discuss: ${escapeHtml(question.wording)}">${escapeHtml(question.quote)}</a>`;
      cursor = from + question.quote.length;
    }
    text += escapeHtml(paragraph.slice(cursor));
    html.push(`<p>${text}</p>`);
  }
  return html.join('\n');
}

function renderCitation(citation: { title: string | null; name: string | null; date: string }): string {
  const parts = [
    citation.title ? `<cite>${escapeHtml(citation.title)}</cite>` : '',
    citation.name ? escapeHtml(citation.name) : '',
    citation.date ? escapeHtml(citation.date) : '',
  ].filter(Boolean);
  return `<p class="post__source">Source: ${parts.join(', ')}</p>`;
}

/** The passage with the question's own words marked. */
export function renderPassage(passage: string, quote: string): string {
  // A question a moderator added has no quote in the post.
  const at = quote === '' ? -1 : passage.indexOf(quote);
  if (at < 0) return escapeHtml(passage);
  return `${escapeHtml(passage.slice(0, at))}<mark>${escapeHtml(quote)}</mark>${escapeHtml(passage.slice(at + quote.length))}`;
}

/** How much of a post the front page shows of its featured post: a paragraph or two. */
const OPENING_CHARACTERS = 400;

/** The post's opening as plain text: whole paragraphs up to about 400 characters, cut at a word. Pure. */
export function postOpening(body: string, citationLine: string | null): string {
  const paragraphs = body.split('\n\n').filter((paragraph) => paragraph.trim() !== '' && paragraph !== citationLine);
  let opening = '';
  for (const paragraph of paragraphs) {
    if (opening.length > 0 && opening.length + paragraph.length > OPENING_CHARACTERS) break;
    opening = opening ? `${opening}\n\n${paragraph}` : paragraph;
  }
  if (opening.length <= OPENING_CHARACTERS) return opening;
  const cut = opening.slice(0, OPENING_CHARACTERS);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 1)).trimEnd()}…`;
}
