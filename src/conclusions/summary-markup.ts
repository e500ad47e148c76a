/**
 * A summary links to the answers it draws on by their lasting address: `#comment-123`,
 * `/comments/123` or a thread's `/questions/<slug>/comments/123` (with or without the
 * site's origin). Each such reference to a published answer becomes a quoted link: the
 * answer's opening words and its author, linking to it. Pure.
 */

export interface QuotedAnswer {
  id: number;
  author: string;
  /** The answer as shown (safe HTML); only its text is quoted. */
  html: string;
  /** Where the link goes: the answer's lasting address. */
  url: string;
}

/** How much of an answer a reference quotes: enough to recognise it, not to reprint it. */
const QUOTED_WORDS = 12;

const REFERENCE =
  /(?:(?:https?:\/\/[^\s/<>"']+)?(?:\/questions\/[^\s/<>"']+)?\/comments\/(\d{1,10})|#comment-(\d{1,10}))(?![\w-]|\/\w)/g;

/** The comment ids a summary's source refers to, in order of first mention. */
export function referencedCommentIds(source: string): number[] {
  const ids = new Set<number>();
  for (const match of source.matchAll(REFERENCE)) ids.add(Number(match[1] ?? match[2]));
  return [...ids];
}

/**
 * Replaces references in the text of rendered (already sanitized) summary HTML with
 * quoted links. Text inside a link the moderator wrote is left alone, and so is a
 * reference to an answer that is not among `answers` (not published, or another
 * question's): it stays as it was typed.
 */
export function linkAnswerReferences(html: string, answers: ReadonlyMap<number, QuotedAnswer>): string {
  let insideLink = 0;
  return html
    .split(/(<[^>]*>)/)
    .map((part) => {
      if (part.startsWith('<')) {
        if (/^<a[\s>]/i.test(part)) insideLink += 1;
        else if (/^<\/a\s*>/i.test(part)) insideLink = Math.max(0, insideLink - 1);
        return part;
      }
      if (insideLink > 0) return part;
      return part.replace(REFERENCE, (reference, long: string | undefined, short: string | undefined) => {
        const answer = answers.get(Number(long ?? short));
        return answer ? quotedLink(answer) : reference;
      });
    })
    .join('');
}

function quotedLink(answer: QuotedAnswer): string {
  return (
    `<a class="answer-ref" href="${escapeHtml(answer.url)}">` +
    `<q>${escapeHtml(openingWords(answer.html))}</q> ${escapeHtml(answer.author)}</a>`
  );
}

/** The first words of an answer's text, with an ellipsis when there is more. */
export function openingWords(html: string, count = QUOTED_WORDS): string {
  // Block boundaries part words; inline markup (`<em>`) sits inside a sentence.
  const text = html.replace(/<\/?(?:p|br|blockquote)\b[^>]*>/gi, ' ').replace(/<[^>]*>/g, '');
  const words = decodeEntities(text).split(/\s+/).filter(Boolean);
  return words.length > count ? `${words.slice(0, count).join(' ')}…` : words.join(' ');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#x27|nbsp);/g, (_entity, name: string) => ENTITIES[name] ?? '');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
