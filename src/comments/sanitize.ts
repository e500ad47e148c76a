import { LinkifyIt } from 'linkify-it';
import sanitizeHtml from 'sanitize-html';

/** Exactly the tags the seed's comment form allows; everything else is removed. */
export const ALLOWED_TAGS: readonly string[] = Object.freeze([
  'a',
  'abbr',
  'acronym',
  'b',
  'blockquote',
  'cite',
  'code',
  'del',
  'em',
  'i',
  'q',
  'strike',
  'strong',
]);

/** The attributes the form allows (`<a href title> <abbr title> ...`); other tags have none. */
export const ALLOWED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  a: ['href', 'title'],
  abbr: ['title'],
  acronym: ['title'],
  blockquote: ['cite'],
  del: ['datetime'],
  q: ['cite'],
});

const LINK_REL = 'nofollow ugc noopener';

const linkSchemes = {
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href', 'cite'],
  allowProtocolRelative: false,
};

const commenterMarkup: sanitizeHtml.IOptions = {
  ...linkSchemes,
  allowedTags: [...ALLOWED_TAGS],
  allowedAttributes: { ...ALLOWED_ATTRIBUTES } as Record<string, string[]>,
  // The text inside these is code or styling, never prose to keep.
  nonTextTags: [
    'script',
    'style',
    'textarea',
    'option',
    'noscript',
    'title',
    'svg',
    'math',
    'iframe',
    'object',
    'template',
  ],
};

// The second pass also allows the paragraphs and line breaks we add, and mends any
// nesting that splitting on blank lines broke (a blockquote spanning paragraphs).
const withParagraphs: sanitizeHtml.IOptions = {
  ...linkSchemes,
  allowedTags: [...ALLOWED_TAGS, 'p', 'br'],
  allowedAttributes: { ...ALLOWED_ATTRIBUTES, a: ['href', 'title', 'rel'] } as Record<string, string[]>,
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: LINK_REL } }),
  },
  // No media element is allowed, so a paragraph without text is empty (`<b></b>`, `<img>`).
  exclusiveFilter: (frame) => frame.tag === 'p' && !frame.text.trim(),
};

/** A commenter's text → safe HTML with paragraphs and live links, as it is stored and shown. */
export function renderCommentBody(source: string): string {
  const text = source.replace(/\r\n?/g, '\n').replace(LONE_AMPERSAND, '&amp;').replace(ANGLED_URL, '&lt;$1&gt;');
  const safe = sanitizeHtml(text, commenterMarkup);
  // Links are found last, in the final nesting: a <code> that paragraphs split is mended
  // by the second pass, and the text inside it is still left as typed.
  return linkifyBareUrls(sanitizeHtml(paragraphs(safe), withParagraphs));
}

// HTML reads "&copy" or "&not" as a character even without its ";", so a pasted
// "?a=1&copy=2&notify=on" would show, and link, as "?a=1©=2¬ify=on". Only a complete
// reference (with its ";") is one; any other "&" is the character itself.
const LONE_AMPERSAND = /&(?!#\d+;|#x[\da-f]+;|[a-z][a-z\d]*;)/gi;

// "<https://example.org>", as mail clients write an address, would otherwise be taken
// for a tag and dropped with its address: it is text, and its URL becomes a link.
const ANGLED_URL = /<(https?:\/\/[^\s<>]*)>/gi;

// Only addresses that say http:// or https://: "example.org" or "x@y.org" in prose stay
// text, as the reader wrote it (linkify-it finds bare domains only when asked, and bare
// emails only with its mailto: schema), and no other scheme becomes a link by accident.
const bareUrls = new LinkifyIt().add('ftp:', null).add('mailto:', null).add('//', null);

/** Inside these a URL is already a link, or is code the reader should see as typed. */
const KEEP_TEXT_INSIDE = new Set(['a', 'code']);

/**
 * Turns `https://…` written as text into a link. Works on sanitize-html's output, where
 * every tag is an allowed one with quoted, escaped attributes, all text is escaped and
 * every element is closed, so a tag or a run of text is one token.
 */
function linkifyBareUrls(safeHtml: string): string {
  let keptDepth = 0;
  return safeHtml.replace(/<(\/?)([a-z]+)[^>]*>|[^<]+/g, (token, closing?: string, name?: string) => {
    if (name === undefined) return keptDepth > 0 ? token : linkifyText(token);
    if (KEEP_TEXT_INSIDE.has(name)) keptDepth += closing ? -1 : 1;
    return token;
  });
}

function linkifyText(escaped: string): string {
  const text = unescapeText(escaped);
  const matches = bareUrls.match(text);
  if (!matches) return escaped;
  let out = '';
  let last = 0;
  for (const match of matches) {
    out += escapeText(text.slice(last, match.index));
    out += `<a href="${escapeAttribute(match.url)}" rel="${LINK_REL}">${escapeText(match.text)}</a>`;
    last = match.lastIndex;
  }
  return out + escapeText(text.slice(last));
}

// As sanitize-html escapes: these three in text, and the quote too in attributes.
const unescapeText = (html: string) => html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (text: string) => escapeText(text).replace(/"/g, '&quot;');

/**
 * Blank lines separate paragraphs and a single newline is a line break, as in
 * WordPress; a blockquote is a block of its own that holds paragraphs.
 */
function paragraphs(html: string): string {
  return (
    html
      .split(/(<\/?blockquote\b[^>]*>)/)
      // Each blockquote tag stands alone; the second pass lifts it out of the <p> it gets.
      .flatMap((part) => paragraphsOfText(part))
      .join('\n')
  );
}

const paragraphsOfText = (html: string) =>
  html
    .split(/\n\s*\n/)
    // A paragraph's last line may be followed by the closing tags of an element the first
    // pass closed at the end: no line break there, as there is none at a paragraph's end.
    .map((chunk) => chunk.trim().replace(/\s+((?:<\/[a-z]+>)+)$/, '$1'))
    .filter(Boolean)
    .map((chunk) => `<p>${chunk.replace(/\n/g, '<br />\n')}</p>`);

/** How many links a body holds, counted on the sanitized HTML (for moderation rules). */
export function countLinks(html: string): number {
  return (html.match(/<a\s/g) ?? []).length;
}
