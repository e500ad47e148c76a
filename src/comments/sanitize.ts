import sanitizeHtml from 'sanitize-html';

/**
 * Exactly the tags and attributes the seed's comment form allows
 * (`<a href title> <abbr title> ... <strong>`); everything else is removed.
 */
export const ALLOWED_TAGS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  a: ['href', 'title'],
  abbr: ['title'],
  acronym: ['title'],
  b: [],
  blockquote: ['cite'],
  cite: [],
  code: [],
  del: ['datetime'],
  em: [],
  i: [],
  q: ['cite'],
  strike: [],
  strong: [],
});

const LINK_REL = 'nofollow ugc noopener';

const commenterMarkup: sanitizeHtml.IOptions = {
  allowedTags: Object.keys(ALLOWED_TAGS),
  allowedAttributes: Object.fromEntries(Object.entries(ALLOWED_TAGS).map(([tag, attrs]) => [tag, [...attrs]])),
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href', 'cite'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
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
  ...commenterMarkup,
  allowedTags: [...(commenterMarkup.allowedTags as string[]), 'p', 'br'],
  allowedAttributes: {
    ...(commenterMarkup.allowedAttributes as Record<string, string[]>),
    a: ['href', 'title', 'rel'],
  },
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: LINK_REL } }),
  },
  exclusiveFilter: (frame) => frame.tag === 'p' && !frame.text.trim() && !frame.mediaChildren.length,
};

/** A commenter's text → safe HTML with paragraphs, as it is stored and shown. */
export function renderCommentBody(source: string): string {
  const safe = sanitizeHtml(source.replace(/\r\n?/g, '\n'), commenterMarkup);
  return sanitizeHtml(paragraphs(safe), withParagraphs);
}

const BLOCKQUOTE_TAG = /^<\/?blockquote\b[^>]*>$/;

/**
 * Blank lines separate paragraphs and a single newline is a line break, as in
 * WordPress; a blockquote is a block of its own that holds paragraphs.
 */
function paragraphs(html: string): string {
  return html
    .replace(/<\/?blockquote\b[^>]*>/g, (tag) => `\n\n${tag}\n\n`)
    .split(/\n[ \t]*\n+/)
    .map((chunk) => chunk.trim())
    .filter(Boolean)
    .map((chunk) => (BLOCKQUOTE_TAG.test(chunk) ? chunk : `<p>${chunk.replace(/\n/g, '<br />\n')}</p>`))
    .join('\n');
}

/** How many links a body holds, counted on the sanitized HTML (for moderation rules). */
export function countLinks(html: string): number {
  return (html.match(/<a\s/g) ?? []).length;
}
