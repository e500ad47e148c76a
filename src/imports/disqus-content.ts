import type { CommentStatus } from '../comments/comment.table.js';
import type { DisqusElement } from './disqus-reader.js';
import type { ImportedComment } from './imported-comments.js';
import { WxrFormatError } from './xml-file.js';

/** A Disqus thread: the page its comments were left on. */
export interface DisqusThread {
  id: number;
  /** The Disqus forum (site) short name. */
  forum: string;
  link: string;
  title: string;
  /** WordPress's post id, when the Disqus plugin made the thread ("123 https://…/?p=123"). */
  wordpress: { postId: number; guid: string } | null;
}

export type DisqusComment = ImportedComment & { threadId: number };

/** A <thread> → the page it stands for. Pure; a field that cannot be read throws with the line. */
export function threadFromElement(file: string, element: DisqusElement): DisqusThread {
  const field = (name: string) => (element.fields[name] ?? '').trim();
  const id = wholeNumber(field('@id'));
  if (id === undefined) throw new WxrFormatError(file, element.line, 'a thread has no dsq:id');
  const wordpress = /^(\d{1,15}) (https?:\/\/\S+)$/.exec(field('id'));
  return {
    id,
    forum: field('forum'),
    link: field('link'),
    title: field('title'),
    wordpress: wordpress ? { postId: Number(wordpress[1]), guid: wordpress[2] as string } : null,
  };
}

/** A <post> (a comment) → the comment to store. Pure; throws with the line. */
export function commentFromElement(file: string, element: DisqusElement): DisqusComment {
  const field = (name: string) => (element.fields[name] ?? '').trim();
  const id = wholeNumber(field('@id'));
  if (id === undefined) throw new WxrFormatError(file, element.line, 'a comment (<post>) has no dsq:id');
  const threadId = wholeNumber(field('thread@id'));
  if (threadId === undefined)
    throw new WxrFormatError(file, element.line, `comment ${id} names no thread (<thread dsq:id="…"/>)`);
  const createdAt = new Date(field('createdAt'));
  if (!/^\d{4}-\d{2}-\d{2}T/.test(field('createdAt')) || Number.isNaN(createdAt.getTime()))
    throw new WxrFormatError(
      file,
      element.line,
      `comment ${id} has no date that can be read ("${field('createdAt')}")`,
    );
  const flag = (name: string, absent: boolean) => {
    const value = field(name);
    if (value === '') return absent;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new WxrFormatError(file, element.line, `comment ${id} has ${name} "${value}"; expected true or false`);
  };
  return {
    sourceId: id,
    threadId,
    parentSourceId: wholeNumber(field('parent@id')) ?? 0,
    author: field('author/name') || field('author/username') || 'Anonymous',
    email: field('author/email').toLowerCase(),
    url: null,
    ip: field('ipAddress') || null,
    status: statusOf({
      spam: flag('isSpam', false),
      deleted: flag('isDeleted', false),
      approved: flag('isApproved', true),
    }),
    createdAt,
    body: messageToSource(element.fields.message ?? ''),
  };
}

/** Disqus's flags → the forum's states: spam first, then removed, then held. */
function statusOf(flags: { spam: boolean; deleted: boolean; approved: boolean }): CommentStatus {
  if (flags.spam) return 'spam';
  if (flags.deleted) return 'trash';
  return flags.approved ? 'approved' : 'pending';
}

/**
 * A Disqus message (HTML in paragraphs) → text as typed: paragraphs as blank lines,
 * line breaks as new lines, inline markup left for the comment sanitizer.
 */
export function messageToSource(html: string): string {
  return html
    .replace(/\r\n?/g, '\n')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p(?:\s[^>]*)?>/gi, '\n\n')
    .replace(/<\/?p(?:\s[^>]*)?>/gi, '')
    .trim();
}

/** The last part of a page address's path: WordPress's post slug in a permalink. */
export function slugOfLink(link: string): string | null {
  try {
    const segments = new URL(link).pathname.split('/').filter(Boolean);
    const last = segments.at(-1);
    return last ? decodeURIComponent(last).toLowerCase() : null;
  } catch {
    return null;
  }
}

function wholeNumber(text: string): number | undefined {
  return /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}
