import Handlebars from 'handlebars';
import sanitizeHtml from 'sanitize-html';

/**
 * The messages, as pure functions of what they say: plain text and HTML parts, and the
 * headers every message carries. The HTML of an answer is the forum's own sanitised
 * `body_html`; everything else is escaped here.
 */
export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export interface MailLinks {
  /** The one-click List-Unsubscribe URL (and the "Manage email" page, as a GET). */
  manageUrl: string;
}

export interface MailAnswer {
  author: string;
  bodyHtml: string;
  url: string;
}

const escapeHtml = Handlebars.escapeExpression;

/** RFC 2369 and RFC 8058: a mail client's own "unsubscribe" button, one POST, no page. */
export function leavingHeaders(links: MailLinks): Record<string, string> {
  return {
    'List-Unsubscribe': `<${links.manageUrl}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

/** An answer's sanitised HTML as readable plain text: paragraphs kept, links spelled out. */
export function plainText(html: string): string {
  const withBreaks = html
    .replace(/<\/p>\s*/gi, '\n\n')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, '$2 ($1)');
  const text = sanitizeHtml(withBreaks, { allowedTags: [], allowedAttributes: {} });
  // sanitize-html leaves entities encoded; plain text wants the characters.
  return decodeEntities(text)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

function footer(links: MailLinks, why: string) {
  return {
    text: `\n\n--\n${why}\nManage email: ${links.manageUrl}\n`,
    html: `<hr><p style="color:#555;font-size:0.9em">${escapeHtml(why)}<br><a href="${escapeHtml(links.manageUrl)}">Manage email</a></p>`,
  };
}

function page(title: string, inner: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;line-height:1.5;max-width:40em">${inner}</body></html>`;
}

export function confirmationMail(input: { confirmUrl: string; siteName: string; links: MailLinks }): ComposedMail {
  const subject = `Confirm your email for ${input.siteName}`;
  const why =
    'You received this because someone entered this address on the comment form. If it was not you, ignore it: nothing more will be sent.';
  const end = footer(input.links, why);
  return {
    subject,
    text: `Please confirm that you want email from ${input.siteName}.\n\nOpen this link and press the button to confirm:\n${input.confirmUrl}\n\nThe link works for seven days.${end.text}`,
    html: page(
      subject,
      `<p>Please confirm that you want email from ${escapeHtml(input.siteName)}.</p><p><a href="${escapeHtml(input.confirmUrl)}">Confirm my email address</a></p><p>The link works for seven days.</p>${end.html}`,
    ),
    headers: leavingHeaders(input.links),
  };
}

export function replyMail(input: {
  question: string;
  inReplyTo: { url: string };
  reply: MailAnswer;
  links: MailLinks;
}): ComposedMail {
  const { reply, links } = input;
  const subject = `${reply.author} replied to you: “${truncate(input.question, 80)}”`;
  const end = footer(links, 'You asked to be emailed when someone replies to you on this question.');
  return {
    subject,
    text: `${reply.author} replied to your comment on “${input.question}”:\n\n${plainText(reply.bodyHtml)}\n\nRead it and reply: ${reply.url}\nYour comment: ${input.inReplyTo.url}${end.text}`,
    html: page(
      subject,
      `<p><strong>${escapeHtml(reply.author)}</strong> replied to <a href="${escapeHtml(input.inReplyTo.url)}">your comment</a> on “${escapeHtml(input.question)}”:</p><blockquote>${reply.bodyHtml}</blockquote><p><a href="${escapeHtml(reply.url)}">Read it and reply</a></p>${end.html}`,
    ),
    headers: leavingHeaders(links),
  };
}

export function digestMail(input: {
  questions: { wording: string; url: string; answers: MailAnswer[] }[];
  links: MailLinks;
}): ComposedMail {
  const count = input.questions.reduce((sum, q) => sum + q.answers.length, 0);
  const first = input.questions[0];
  const subject =
    input.questions.length === 1 && first
      ? `${count} new ${count === 1 ? 'answer' : 'answers'}: “${truncate(first.wording, 80)}”`
      : `${count} new answers to questions you follow`;
  const end = footer(input.links, 'You asked to be emailed new answers to these questions.');
  const text = input.questions
    .map(
      (q) =>
        `“${q.wording}”\n${q.url}\n\n${q.answers.map((a) => `${a.author} wrote:\n${plainText(a.bodyHtml)}\n${a.url}`).join('\n\n')}`,
    )
    .join('\n\n\n');
  const html = input.questions
    .map(
      (q) =>
        `<h2><a href="${escapeHtml(q.url)}">${escapeHtml(q.wording)}</a></h2>${q.answers
          .map(
            (a) =>
              `<p><strong>${escapeHtml(a.author)}</strong> wrote:</p><blockquote>${a.bodyHtml}</blockquote><p><a href="${escapeHtml(a.url)}">Read it and reply</a></p>`,
          )
          .join('')}`,
    )
    .join('');
  return {
    subject,
    text: `${text}${end.text}`,
    html: page(subject, `${html}${end.html}`),
    headers: leavingHeaders(input.links),
  };
}

function truncate(text: string, length: number): string {
  const chars = [...text];
  return chars.length <= length ? text : `${chars.slice(0, length - 1).join('')}…`;
}
