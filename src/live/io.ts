import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { createAdapter } from '@socket.io/postgres-adapter';
import type { RequestHandler } from 'express';
import type pg from 'pg';
import type { Logger } from 'pino';
import proxyaddr from 'proxy-addr';
import { type Namespace, Server, type Socket } from 'socket.io';
import { z } from 'zod';
import type { Comment } from '../comments/comment.js';
import type { CommentService } from '../comments/comment.service.js';
import { commentView } from '../comments/comment-view.js';
import type { LiveSettings } from '../config.js';
import type { DB } from '../db/database.js';
import type { ForumEvents } from '../events.js';
import { AppError } from '../http/app-error.js';
import { isDatabaseUnavailable } from '../http/error-handler.js';
import type { RateLimits } from '../limits/rate-limits.js';
import type { ModeratorAccounts } from '../moderators/moderator.service.js';
import { toQuestion } from '../questions/question.js';
import { countApproved, findQuestionBySlug } from '../questions/question.repository.js';
import { SESSION_COOKIE } from '../sessions/session.js';
import type { SettingsSource } from '../settings/settings.service.js';
import type { Templates } from '../views/templates.js';
import { TokenBucket } from './rate-limit.js';
import {
  type Ack,
  type ClientEvents,
  FRONT_PAGE_ROOM,
  type LiveComment,
  type LiveErrorCode,
  liveErrors,
  type ModServerEvents,
  questionRoom,
  type ServerEvents,
} from './socket-contract.js';

export interface LiveDeps {
  db: DB;
  /** With a server database, events cross processes through it; without, they stay in memory. */
  pool?: pg.Pool;
  templates: Templates;
  comments: CommentService;
  settings: SettingsSource;
  live: LiveSettings;
  events: ForumEvents;
  logger: Logger;
  limits: RateLimits;
  /** Moderators' sessions and accounts: the /mod namespace admits signed-in moderators only. */
  sessions: RequestHandler;
  accounts: ModeratorAccounts;
  trustProxy: boolean | number | string;
  /** Drops this process's rendered pages of a question. */
  invalidateQuestion: (questionId: number) => void;
}

type LiveServer = Server<ClientEvents, ServerEvents>;
type LiveSocket = Socket<ClientEvents, ServerEvents, Record<string, never>, { follows: Map<string, number> }>;

const followRequest = z.object({
  slug: z.string().min(1).max(200),
  after: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
});
/** Catch-up reads this many comments per query. */
const CATCH_UP_BATCH = 500;
/** Presence is sent at most this often per question, whatever the churn. */
const PRESENCE_INTERVAL_MS = 500;

/**
 * Socket.IO for live threads: `follow` sends what the client missed (from the
 * database, so it works after any gap and on any process), then live events for
 * that question. Domain events from the services are broadcast to the rooms.
 */
export function attachLive(httpServer: HttpServer, deps: LiveDeps): LiveServer {
  const { db, templates, comments, settings, live, events, logger, limits } = deps;
  // The client's address as Express reads it: X-Forwarded-For only when TRUST_PROXY says so.
  const trusted = trustFunction(deps.trustProxy);
  const clientAddress = (request: IncomingMessage) => proxyaddr(request, trusted);
  const io: LiveServer = new Server(httpServer, {
    // The page script bundles its own client (public/js/live.js).
    serveClient: false,
    // Small messages only; a client has no reason to send more.
    maxHttpBufferSize: 16 * 1024,
    cors: { origin: false },
  });
  if (deps.pool) {
    io.adapter(
      createAdapter(releasingDeadClients(deps.pool), {
        errorHandler: (error) => logger.warn({ err: error }, 'socket.io adapter error'),
      }),
    );
  }

  const toLive = (comment: Comment, slug: string, maxDepth: number): LiveComment => ({
    id: comment.id,
    parent_id: comment.parentId,
    in_reply_to_id: comment.inReplyToId,
    author: comment.author,
    created_at: comment.createdAt.toISOString(),
    slug,
    html: templates.partial('comment', commentView(comment, { maxDepth })),
  });

  const presence = presenceBroadcaster(io);

  // The moderators' live queue: only a signed-in moderator's session may join.
  io.engine.use((req: IncomingMessage & { _query?: Record<string, string> }, res: ServerResponse, next: () => void) => {
    // Readers' connections carry no session cookie; only the queue's need the store.
    if (!req.headers.cookie?.includes(SESSION_COOKIE)) return next();
    deps.sessions(req as never, res as never, next);
  });
  const moderators = io.of('/mod') as unknown as Namespace<Record<string, never>, ModServerEvents>;
  moderators.use(async (socket, next) => {
    const id = (socket.request as IncomingMessage & { session?: { moderatorId?: number } }).session?.moderatorId;
    const moderator = id === undefined ? undefined : await deps.accounts.findById(id).catch(() => undefined);
    if (!moderator) return next(new Error(liveErrors.signed_out));
    next();
  });

  io.on('connection', (raw) => {
    const socket = raw as LiveSocket;
    socket.data.follows = new Map();
    const bucket = new TokenBucket(live.eventBurst, live.eventsPerSecond);

    const refuse = (code: LiveErrorCode, ack?: Ack) => {
      socket.emit('error', { code, message: liveErrors[code] });
      if (typeof ack === 'function') ack({ error: liveErrors[code] });
    };
    // Every client event passes the connection's own limit, then the address's limit
    // shared by every process; a flood is refused, not served.
    const address = clientAddress(socket.request);
    // The shared limit is asynchronous; chaining keeps a connection's events in the order
    // they were sent (a follow and an unfollow must not swap).
    let inOrder = Promise.resolve();
    socket.use((_packet, next) => {
      if (!bucket.take()) return refuse('rate_limited');
      inOrder = inOrder.then(() =>
        limits.consume('liveEventsPerIp', address).then(
          () => next(),
          (error) => refuse(error instanceof AppError && error.status === 429 ? 'rate_limited' : 'unavailable'),
        ),
      );
    });

    socket.on('follow', async (request, ack) => {
      const parsed = followRequest.safeParse(request);
      if (!parsed.success) return refuse('invalid', ack);
      const { slug, after = 0 } = parsed.data;
      if (!socket.data.follows.has(slug) && socket.data.follows.size >= live.maxFollows) {
        return refuse('too_many_follows', ack);
      }
      try {
        const row = await findQuestionBySlug(db, slug);
        if (!row) return refuse('not_found', ack);
        const question = toQuestion(row);
        socket.data.follows.set(slug, question.id);
        // Join first, then catch up: a comment committed in between arrives twice at
        // worst, and the client drops duplicates by id. Nothing can fall in the gap.
        await socket.join(questionRoom(question.id));
        let cursor = after;
        const { maxThreadDepth } = await settings.current();
        for (;;) {
          const missed = await comments.listSince(question, cursor, CATCH_UP_BATCH);
          for (const comment of missed) socket.emit('comment:new', toLive(comment, slug, maxThreadDepth));
          if (missed.length < CATCH_UP_BATCH) break;
          cursor = (missed.at(-1) as Comment).id;
        }
        if (typeof ack === 'function') ack({ data: { slug, following: true } });
        presence.changed(question.id, slug);
      } catch (error) {
        logger.warn({ err: error }, 'follow failed');
        refuse(isDatabaseUnavailable(error) ? 'unavailable' : 'invalid', ack);
      }
    });

    socket.on('unfollow', async (request, ack) => {
      const slug = typeof request?.slug === 'string' ? request.slug : undefined;
      const questionId = slug ? socket.data.follows.get(slug) : undefined;
      if (!slug || questionId === undefined) return refuse('invalid', ack);
      socket.data.follows.delete(slug);
      await socket.leave(questionRoom(questionId));
      presence.changed(questionId, slug);
      if (typeof ack === 'function') ack({ data: { slug, following: false } });
    });

    socket.on('questions:follow', async (ack) => {
      await socket.join(FRONT_PAGE_ROOM);
      if (typeof ack === 'function') ack({ data: { following: true } });
    });

    socket.on('disconnect', () => {
      for (const [slug, questionId] of socket.data.follows) presence.changed(questionId, slug);
    });
  });

  const announceCount = async (questionId: number, slug: string) => {
    const count = await countApproved(db, questionId);
    io.to(FRONT_PAGE_ROOM).emit('question:count', { slug, answer_count: count });
  };
  const report = (what: string) => (error: unknown) => logger.warn({ err: error }, `live: ${what} failed`);

  // Other processes keep rendered pages too: tell them a question changed.
  const changed = (questionId: number) => {
    if (deps.pool) io.serverSideEmit('question:changed', questionId);
  };
  io.on('question:changed', (questionId: unknown) => {
    if (typeof questionId === 'number') deps.invalidateQuestion(questionId);
  });

  const publish = async (comment: Comment, questionSlug: string, event: 'comment:new' | 'comment:update') => {
    const { maxThreadDepth } = await settings.current();
    io.to(questionRoom(comment.questionId)).emit(event, toLive(comment, questionSlug, maxThreadDepth));
  };

  events.on('comment.created', ({ comment, questionSlug }) => {
    if (comment.status !== 'approved') {
      moderators.emit('queue:changed', { commentId: comment.id, change: 'held', to: comment.status });
      return;
    }
    publish(comment, questionSlug, 'comment:new').catch(report('broadcast'));
    changed(comment.questionId);
    announceCount(comment.questionId, questionSlug).catch(report('answer count'));
  });
  // A moderator approved it: followers see it arrive in place, as if just posted.
  events.on('comment.approved', ({ comment, questionSlug }) => {
    publish(comment, questionSlug, 'comment:new').catch(report('broadcast'));
    announceCount(comment.questionId, questionSlug).catch(report('answer count'));
  });
  events.on('comment.updated', ({ comment, questionSlug }) => {
    if (comment.status === 'approved') publish(comment, questionSlug, 'comment:update').catch(report('broadcast'));
    changed(comment.questionId);
  });
  // Trashed, spammed, deleted or hidden by reports: it leaves followers' pages.
  events.on('comment.removed', ({ commentId, questionId, questionSlug }) => {
    io.to(questionRoom(questionId)).emit('comment:remove', { id: commentId, slug: questionSlug });
    announceCount(questionId, questionSlug).catch(report('answer count'));
  });
  events.on('comment.moderated', ({ commentId, questionId, from, to, moderator }) => {
    moderators.emit('queue:changed', { commentId, change: 'moderated', from, to, by: moderator?.name ?? null });
    changed(questionId);
  });
  events.on('comment.reported', ({ commentId, questionId, hidden }) => {
    moderators.emit('queue:changed', { commentId, change: 'reported', hidden });
    if (hidden) changed(questionId);
  });
  events.on('question.updated', ({ question }) => changed(question.id));

  return io;
}

/** Express's `trust proxy` setting as a function proxy-addr understands. */
function trustFunction(setting: boolean | number | string): (address: string, hop: number) => boolean {
  if (setting === true) return () => true;
  if (setting === false) return () => false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return proxyaddr.compile(setting.split(',').map((part) => part.trim()));
}

/**
 * The adapter keeps one client for LISTEN and, when the server drops it, takes a new
 * one, but never gives the dead one back: the pool would count it for ever and
 * `pool.end()` would wait for it at shutdown. This hands it back when it ends.
 */
function releasingDeadClients(pool: pg.Pool): pg.Pool {
  const connect = async () => {
    const client = await pool.connect();
    client.once('end', () => {
      try {
        client.release(true);
      } catch {
        // The adapter released it first (its own shutdown).
      }
    });
    return client;
  };
  return { connect, query: pool.query.bind(pool) } as unknown as pg.Pool;
}

/**
 * Tells each question's followers how many they are, counting sockets on every
 * process; at most once per interval per question, so a crowd joining is one message.
 */
function presenceBroadcaster(io: LiveServer) {
  const pending = new Map<number, NodeJS.Timeout>();
  return {
    changed(questionId: number, slug: string) {
      if (pending.has(questionId)) return;
      const timer = setTimeout(async () => {
        pending.delete(questionId);
        try {
          const sockets = await io.in(questionRoom(questionId)).fetchSockets();
          io.to(questionRoom(questionId)).emit('presence', { slug, count: sockets.length });
        } catch {
          // Another process did not answer in time; the next change will count again.
        }
      }, PRESENCE_INTERVAL_MS);
      timer.unref();
      pending.set(questionId, timer);
    },
  };
}
