import type { Request, Response } from 'express';
import { z } from 'zod';
import { DEFAULT_THREAD_ORDER, parseThreadOrder, type ThreadOrder, threadOrders } from '../comments/thread-order.js';

/**
 * The order a reader reads threads in, remembered in their browser (no account): only one
 * of the orders' names is ever stored or read back, so the cookie is a few bytes and a
 * forged one changes nothing but that reader's order. Lax, like the forum's other cookies.
 */
const ORDER_COOKIE = 'oq_sort';
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * A thread page's `?sort=`: an order there is not (a typo, an old link) is no reason to
 * refuse the page, so it reads as none.
 */
export const sortParam = z.enum(threadOrders).optional().catch(undefined);

/** The order this browser picked last, or the default. */
export function rememberedOrder(req: Request): ThreadOrder {
  return parseThreadOrder(req.cookies?.[ORDER_COOKIE]) ?? DEFAULT_THREAD_ORDER;
}

/**
 * The order a thread page is shown in: the one its link asks for (`?sort=`), remembered
 * for the reader's next visit, or else the one they picked before. A link asking for an
 * order there is not (a typo, an old link) is shown as if it asked for none.
 */
export function chooseOrder(req: Request, res: Response, asked: ThreadOrder | undefined): ThreadOrder {
  const remembered = rememberedOrder(req);
  if (asked === undefined) return remembered;
  if (asked !== remembered) {
    res.cookie(ORDER_COOKIE, asked, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      maxAge: ONE_YEAR_MS,
      path: '/',
    });
  }
  return asked;
}
