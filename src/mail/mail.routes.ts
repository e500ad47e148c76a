import { type Request, type Response, Router } from 'express';
import { AppError } from '../http/app-error.js';
import { formBody } from '../http/body-parsers.js';
import { isId } from '../http/ids.js';
import { messages } from '../messages.js';
import { questionPath } from '../questions/question.js';
import type { Templates } from '../views/templates.js';
import type { Mail } from './mail.service.js';

/**
 * The links in every message: confirming an address, and leaving. They are mounted
 * before the same-origin check on purpose: a mail client's one-click unsubscribe
 * (RFC 8058) is a POST from wherever the mail is read, with no cookie, and a webmail's
 * confirmation button posts from its own origin. The signed token in the request is
 * the whole authority here (nothing else about the visitor is read or changed), so
 * another site cannot forge one: it would need the token from the person's inbox.
 */
export function mailRoutes(deps: { templates: Templates; mail: Mail }): Router {
  const { templates, mail } = deps;
  const router = Router();

  const render = (res: Response, page: string, model: { title: string } & Record<string, unknown>, status = 200) => {
    // Tokens are in these URLs: no caching, no referrer to the links on the page.
    res
      .status(status)
      .type('html')
      .set('Cache-Control', 'no-store')
      .set('Referrer-Policy', 'no-referrer')
      .send(templates.page(page, model));
  };

  const tokenOf = (req: Request): unknown =>
    (req.body as Record<string, unknown> | undefined)?.token ?? req.query.token;

  function manageAddress(req: Request): string {
    const email = mail.addressOf(tokenOf(req));
    if (email === undefined) throw new AppError(400, 'mail_link_invalid', messages.mailLinkInvalid);
    return email;
  }

  // A GET never confirms: mail scanners fetch links. The person presses the button.
  router.get('/mail/confirm', (req, res) => {
    const token = req.query.token;
    if (mail.addressOf(token, 'confirm') === undefined) {
      throw new AppError(400, 'mail_link_invalid', messages.mailConfirmLinkInvalid);
    }
    render(res, 'mail-confirm', { title: 'Confirm your email address', token });
  });

  router.post('/mail/confirm', formBody, async (req, res) => {
    const email = await mail.confirm(tokenOf(req));
    if (email === undefined) throw new AppError(400, 'mail_link_invalid', messages.mailConfirmLinkInvalid);
    render(res, 'mail-confirmed', { title: 'Email address confirmed', manageUrl: mail.manageUrl(email) });
  });

  router.get('/mail/unsubscribe', async (req, res) => {
    const email = manageAddress(req);
    const { rows, confirmed, bounced } = await mail.subscriptions(email);
    const byQuestion = new Map<number, { id: number; wording: string; url: string; kinds: string[] }>();
    for (const row of rows) {
      const entry = byQuestion.get(row.question_id) ?? {
        id: row.question_id,
        wording: row.wording,
        url: questionPath(row.slug),
        kinds: [],
      };
      entry.kinds.push(row.kind === 'replies' ? 'replies to you' : 'every new answer');
      byQuestion.set(row.question_id, entry);
    }
    render(res, 'mail-manage', {
      title: 'Your email from this forum',
      email,
      confirmed,
      bounced,
      questions: [...byQuestion.values()].map((q) => ({ ...q, kinds: q.kinds.join(' and ') })),
      action: `/mail/unsubscribe?token=${encodeURIComponent(String(tokenOf(req)))}`,
      done: req.query.done === 'all' ? messages.mailLeftAll : req.query.done === 'one' ? messages.mailLeftOne : null,
    });
  });

  // The one-click POST (body `List-Unsubscribe=One-Click`) leaves everything; the
  // manage page's buttons name a question to leave only that one.
  router.post('/mail/unsubscribe', formBody, async (req, res) => {
    const email = manageAddress(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const questionId =
      typeof body.question_id === 'string' && isId(body.question_id) ? Number(body.question_id) : undefined;
    await mail.unsubscribe(email, questionId);
    if (body['List-Unsubscribe'] === 'One-Click') {
      res.status(200).type('text').send(messages.mailLeftAll);
      return;
    }
    res.redirect(
      303,
      `/mail/unsubscribe?token=${encodeURIComponent(String(tokenOf(req)))}&done=${questionId ? 'one' : 'all'}`,
    );
  });

  return router;
}
