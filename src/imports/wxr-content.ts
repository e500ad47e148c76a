import { convert } from 'html-to-text';
import type { CommentStatus } from '../comments/comment.table.js';
import { slugify } from '../posts/post-text.js';
import type { ImportedComment } from './imported-comments.js';
import type { WxrItem } from './wxr-reader.js';
import { WxrFormatError } from './xml-file.js';

export interface WxrPost {
  wpId: number;
  slug: string;
  title: string;
  category: string | null;
  /** YYYY-MM-DD, from wp:post_date. */
  publishedOn: string | null;
  /** The post text form the question finder reads: paragraphs separated by a blank line. */
  body: string;
  comments: ImportedComment[];
  /** Pingbacks and trackbacks: notices from other sites, not discussion. */
  skippedComments: number;
}

/** wp:comment_approved → the forum's states. */
const STATUSES: Record<string, CommentStatus> = { '1': 'approved', '0': 'pending', spam: 'spam', trash: 'trash' };
const SKIPPED_TYPES = new Set(['pingback', 'trackback']);

/**
 * A published post of the export, or null for anything else (pages, drafts,
 * attachments, menu items). Pure; a field that cannot be read throws a WxrFormatError
 * with the item's or comment's line.
 */
export function postFromItem(file: string, item: WxrItem): WxrPost | null {
  const field = (name: string) => (item.fields[name] ?? '').trim();
  if (field('wp:post_type') !== 'post' || field('wp:status') !== 'publish') return null;
  const wpId = wholeNumber(field('wp:post_id'));
  if (wpId === undefined || wpId === 0)
    throw new WxrFormatError(file, item.line, `the post has no wp:post_id (found "${field('wp:post_id')}")`);
  const title = field('title');
  if (!title) throw new WxrFormatError(file, item.line, `post ${wpId} has no title`);
  const body = htmlToPostText(item.fields['content:encoded'] ?? '');
  if (!body) throw new WxrFormatError(file, item.line, `post ${wpId} ("${title}") has no content`);
  const comments: ImportedComment[] = [];
  let skippedComments = 0;
  for (const comment of item.comments) {
    const value = (name: string) => (comment.fields[name] ?? '').trim();
    if (SKIPPED_TYPES.has(value('wp:comment_type'))) {
      skippedComments += 1;
      continue;
    }
    const commentId = wholeNumber(value('wp:comment_id'));
    if (commentId === undefined || commentId === 0)
      throw new WxrFormatError(
        file,
        comment.line,
        `a comment has no wp:comment_id (found "${value('wp:comment_id')}")`,
      );
    const status = STATUSES[value('wp:comment_approved')];
    if (!status)
      throw new WxrFormatError(
        file,
        comment.line,
        `comment ${commentId} has the state "${value('wp:comment_approved')}"; expected 1, 0, spam or trash`,
      );
    const createdAt = wordpressDate(value('wp:comment_date_gmt')) ?? wordpressDate(value('wp:comment_date'));
    if (!createdAt) throw new WxrFormatError(file, comment.line, `comment ${commentId} has no date that can be read`);
    comments.push({
      sourceId: commentId,
      parentSourceId: wholeNumber(value('wp:comment_parent')) ?? 0,
      author: value('wp:comment_author') || 'Anonymous',
      email: value('wp:comment_author_email').toLowerCase(),
      url: /^https?:\/\//i.test(value('wp:comment_author_url')) ? value('wp:comment_author_url') : null,
      ip: value('wp:comment_author_IP') || null,
      status,
      createdAt,
      body: (comment.fields['wp:comment_content'] ?? '').trim(),
    });
  }
  const date = /^(\d{4}-\d{2}-\d{2})/.exec(field('wp:post_date'))?.[1] ?? null;
  return {
    wpId,
    slug: slugify(field('wp:post_name') || title, 12),
    title,
    category: item.categories[0] ?? null,
    publishedOn: date && date !== '0000-00-00' ? date : null,
    body,
    comments,
    skippedComments,
  };
}

/**
 * A post's HTML (WordPress keeps paragraphs as blank lines, or as <p> when edited in
 * blocks) → plain paragraphs separated by one blank line, each on one line: the form
 * the .txt import gives the question finder.
 */
export function htmlToPostText(html: string): string {
  // WordPress's own rule (wpautop): a blank line ends a paragraph, even without <p>.
  const paragraphed = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .split(/\r?\n[ \t]*\r?\n/)
    .map((chunk) => `<p>${chunk}</p>`)
    .join('\n');
  const text = convert(paragraphed, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'h4', options: { uppercase: false } },
      { selector: 'h5', options: { uppercase: false } },
      { selector: 'h6', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable' },
    ],
  });
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n\n');
}

function wholeNumber(text: string): number | undefined {
  return /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

/** "2011-09-20 08:00:00" (UTC for the _gmt fields); WordPress writes zeros for "none". */
function wordpressDate(text: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!match || match[1] === '0000') return null;
  const date = new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}
