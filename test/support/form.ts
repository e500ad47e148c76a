import type { Agent, Response } from 'supertest';

const NUMBER_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
];

/** Solves `4 + nine =` the way an outside client would: from the label's text alone. */
export function solveCaptchaLabel(label: string): number {
  const match = /^\s*(\w+)\s*([+\-×x*])\s*(\w+)\s*=\s*$/.exec(label);
  if (!match) throw new Error(`Not a captcha question: ${label}`);
  const value = (operand: string) => (/^\d+$/.test(operand) ? Number(operand) : NUMBER_WORDS.indexOf(operand));
  const [a, b] = [value(match[1] as string), value(match[3] as string)];
  if (match[2] === '+') return a + b;
  if (match[2] === '-') return a - b;
  return a * b;
}

export interface PageForm {
  label: string;
  answer: string;
  token: string;
  /** The form's CSRF token (hidden field `_csrf`). */
  csrf: string;
  parentId: string;
  action: string;
}

export function readForm(html: string): PageForm {
  const label = /<label for="captcha_answer">([^<]*)<\/label>/.exec(html)?.[1];
  const token = /name="captcha_token" value="([^"]*)"/.exec(html)?.[1];
  const parentId = /name="parent_id" value="([^"]*)"/.exec(html)?.[1] ?? '';
  const csrf = /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? '';
  const action = /<form class="comment-form" method="post" action="([^"]+)"/.exec(html)?.[1];
  if (label === undefined || token === undefined || action === undefined)
    throw new Error('No comment form on the page');
  return { label, answer: String(solveCaptchaLabel(label)), token, csrf, parentId, action };
}

export interface AnswerFields {
  author: string;
  email: string;
  url: string;
  body: string;
  parent_id: string | number;
  captcha_answer: string;
  captcha_token: string;
  _csrf: string;
  homepage: string;
  /** The email checkboxes (src/mail/): "1" when ticked. */
  notify_replies: string;
  notify_question: string;
}

export const ana = { author: 'Ana Lopes', email: 'ana@example.org', body: 'The code is about sovereignty.' };

/** GETs the question page with the browser, fills the form, solves the captcha and posts it. */
export async function answer(
  browser: Agent,
  slug: string,
  fields: Partial<AnswerFields> = {},
  options: { json?: boolean; replyTo?: number } = {},
): Promise<Response> {
  const page = await browser.get(`/questions/${slug}${options.replyTo ? `?replyto=${options.replyTo}` : ''}`);
  const form = readForm(page.text);
  const request = browser.post(form.action).type('form');
  if (options.json) request.set('Accept', 'application/json');
  return request.send({
    ...ana,
    url: '',
    parent_id: form.parentId,
    captcha_answer: form.answer,
    captcha_token: form.token,
    _csrf: form.csrf,
    homepage: '',
    ...fields,
  });
}

/** The id in a 303's `Location: /questions/:slug#comment-<id>`. */
export function commentIdFrom(response: Response): number {
  const id = /#comment-(\d+)$/.exec(response.headers.location ?? '')?.[1];
  if (!id)
    throw new Error(
      `Not a comment redirect: ${response.status} ${response.headers.location} ${response.text.slice(0, 300)}`,
    );
  return Number(id);
}
