/**
 * Reads a post saved as plain text from a blog page (the seed is one): the share bar,
 * the breadcrumb, the title, the body and the comment form below it. Pure: text in,
 * structure out.
 */
export interface ParsedPost {
  slug: string;
  title: string;
  category: string | null;
  /** ISO date (YYYY-MM-DD) of the cited source, when the post cites one. */
  publishedOn: string | null;
  source: { title: string | null; name: string | null; line: string } | null;
  /** Paragraphs of the body, separated by one blank line. */
  body: string;
}

export class PostFormatError extends Error {}

const SHARE_WORDS = new Set(['facebook', 'twitter', 'linkedin', 'e-mail', 'email', 'rss', 'share', 'print', 'x']);
// Where a blog page's article ends and its comment section begins.
const FOOTER = /^(leave a (reply|comment)|\d+ (comments?|responses?|repl(y|ies))|comments are closed)\b/i;
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const CITATION_DATE = new RegExp(`\\b(${MONTHS.join('|')}) (\\d{1,2}), (\\d{4})\\.?$`, 'i');
/** A citation is a short line; anything longer is prose that happens to end in a date. */
const MAX_CITATION_LENGTH = 200;

export function parsePost(text: string): ParsedPost {
  const lines = text
    .normalize('NFC')
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line.length > 0);

  let index = 0;
  if (lines[index] && isShareBar(lines[index] as string)) index += 1;

  let breadcrumb: string | null = null;
  if (lines[index]?.startsWith('Home ')) {
    breadcrumb = lines[index] as string;
    index += 1;
  }

  const title = lines[index];
  if (!title) throw new PostFormatError('The post has no title line.');
  index += 1;

  let category: string | null = null;
  if (breadcrumb?.endsWith(title)) {
    category = breadcrumb.slice('Home '.length, breadcrumb.length - title.length).trim() || null;
  }

  const paragraphs: string[] = [];
  for (; index < lines.length; index += 1) {
    const line = lines[index] as string;
    if (FOOTER.test(line)) break;
    paragraphs.push(line);
  }
  if (paragraphs.length === 0) throw new PostFormatError('The post has no body below its title.');

  const citation = paragraphs.find((p) => p.length <= MAX_CITATION_LENGTH && CITATION_DATE.test(p));
  return {
    slug: slugify(title),
    title,
    category,
    publishedOn: citation ? citationDate(citation) : null,
    source: citation ? parseCitation(citation) : null,
    body: paragraphs.join('\n\n'),
  };
}

function isShareBar(line: string): boolean {
  return line.split(' ').every((word) => SHARE_WORDS.has(word.toLowerCase()));
}

function citationDate(line: string): string | null {
  const match = CITATION_DATE.exec(line);
  if (!match) return null;
  const month = MONTHS.indexOf((match[1] as string).toLowerCase()) + 1;
  return `${match[3]}-${String(month).padStart(2, '0')}-${String(match[2]).padStart(2, '0')}`;
}

/**
 * "Multilateral cyber securityChina Daily. September 19, 2011." A copied link loses the
 * space between the article's title and the publication: a lower-case letter running
 * into a capital marks the seam.
 */
function parseCitation(line: string): { title: string | null; name: string | null; line: string } {
  const before = line.replace(CITATION_DATE, '').trim().replace(/[.,]$/, '').trim();
  const seams = [...before.matchAll(/[a-z](?=[A-Z])/g)];
  const seam = seams.at(-1);
  if (seam?.index === undefined) return { title: null, name: before || null, line };
  return { title: before.slice(0, seam.index + 1), name: before.slice(seam.index + 1), line };
}

// A slug that stops on one of these reads as cut off ("...-comply-to-the").
const TRAILING_FILLERS = new Set([
  'a',
  'an',
  'the',
  'to',
  'of',
  'in',
  'on',
  'for',
  'and',
  'or',
  'which',
  'that',
  'with',
  'by',
]);

/** Lower-case words joined by hyphens, at most `maxWords` of them, ASCII only. */
export function slugify(text: string, maxWords = 8): string {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .slice(0, maxWords);
  while (words.length > 1 && TRAILING_FILLERS.has(words.at(-1) as string)) words.pop();
  return words.join('-') || 'question';
}
