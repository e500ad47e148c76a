import type { Request, Response } from 'express';
import { signedInModerator } from '../moderators/guards.js';
import type { Templates } from '../views/templates.js';

const SECTIONS = [
  { key: 'queue', label: 'Queue', url: '/mod' },
  { key: 'questions', label: 'Questions', url: '/mod/questions' },
  { key: 'bans', label: 'Bans', url: '/mod/bans' },
  { key: 'log', label: 'Log', url: '/mod/log' },
  { key: 'votes', label: 'Votes', url: '/mod/votes' },
  { key: 'settings', label: 'Settings', url: '/mod/settings', adminOnly: true },
  { key: 'mail', label: 'Mail', url: '/mod/mail', adminOnly: true },
] as const;

export type ModSection = (typeof SECTIONS)[number]['key'];

/**
 * A one-time message for the next page ("Approve: comment 12 done."), kept in the
 * session rather than the URL so that nobody can put words in it with a link.
 */
export function setNotice(req: Request, notice: string): void {
  req.session.notice = notice;
}

function takeNotice(req: Request): string | null {
  const notice = req.session?.notice ?? null;
  if (notice !== null) delete req.session.notice;
  return notice;
}

/**
 * A page of the moderation area, in its own layout: the navigation, who is signed
 * in, and the session's CSRF token for every form on the page.
 */
export function renderModPage(
  res: Response,
  templates: Templates,
  page: string,
  model: { title: string; section: ModSection; status?: number; scripts?: string[] } & Record<string, unknown>,
): void {
  const moderator = signedInModerator(res);
  const isAdmin = moderator.role === 'admin';
  res
    .status(model.status ?? 200)
    .type('html')
    .set('Cache-Control', 'no-store')
    .send(
      templates.page(
        page,
        {
          notice: takeNotice(res.req),
          ...model,
          moderator: { name: moderator.name, role: moderator.role },
          isAdmin,
          csrfToken: res.req.session.csrfToken,
          nav: SECTIONS.filter((s) => !('adminOnly' in s) || isAdmin).map((s) => ({
            ...s,
            current: s.key === model.section,
          })),
        },
        'mod',
      ),
    );
}
