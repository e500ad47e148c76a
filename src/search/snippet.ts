import Handlebars from 'handlebars';
import { MATCH_END, MATCH_START } from './search.repository.js';

const MARKED = new RegExp(`${MATCH_START}([^${MATCH_END}]*)${MATCH_END}`, 'g');
const STRAY_MARKS = new RegExp(`[${MATCH_START}${MATCH_END}]`, 'g');

/**
 * ts_headline's plain-text snippet → HTML: everything escaped as text, then only the
 * markers ts_headline put around matched words become <mark>. Markup a commenter wrote
 * (even as entities that read back to tags) stays text. Pure.
 */
export function snippetHtml(headline: string): string {
  return Handlebars.Utils.escapeExpression(headline)
    .replace(MARKED, '<mark>$1</mark>')
    .replace(STRAY_MARKS, '')
    .replace(/\s+/g, ' ')
    .trim();
}
