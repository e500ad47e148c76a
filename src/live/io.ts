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
import type { EventLog } from '../events/event-log.js';
import { prunedThrough, readQuestionEventsAfter } from '../events/event-log.repository.js';
import type { LoggedEvent } from '../events/forum-event.js';
import { AppError } from '../http/app-error.js';
import { isDatabaseUnavailable } from '../http/error-handler.js';
import type { RateLimits } from '../limits/rate-limits.js';
import type { ModeratorAccounts } from '../moderators/moderator.service.js';
import { type Question, toQuestion } from '../questions/question.js';
import {
  countApproved,
  findQuestionById,
  findQuestionBySlug,
  questionSlugs,
} from '../questions/question.repository.js';
import { SESSION_COOKIE } from '../sessions/session.js';
import type { SettingsSource } from '../settings/settings.service.js';
import type { Templates } from '../views/templates.js';
import { type VoteCounts, voteCountsFor } from '../votes/vote.repository.js';
import { CATCH_UP_LIMIT, planCatchUp, REPLAYED_TYPES } from './catch-up.js';
import { TokenBucket } from './rate-limit.js';
import {
  type Ack,
  type ClientEvents,
  FRONT_PAGE_ROOM,
  type LiveComment,
  type LiveErrorCode,
  liveErrors,
  type ModServerEvents,
  type QueueChange,
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
  /** The event log: every change reaches followers from here, whichever process made it. */
  log: EventLog;
  logger: Logger;
  limits: RateLimits;
  /** Moderators' sessions and accounts: the /mod namespace admits signed-in moderators only. */
  sessions: RequestHandler;
  accounts: ModeratorAccounts;
  trustProxy: boolean | number | string;
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
  since: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});
/** Catch-up reads this many comments per query. */
const CATCH_UP_BATCH = 500;
/** Presence is sent at most this often per question, whatever the churn. */
const PRESENCE_INTERVAL_MS = 500;

/**
 * Socket.IO for live threads: `follow` sends what the client missed (from the
 * database, so it works after any gap and on any process), then live events for
 * that question. Live events come from the event log, which every process relays:
 * each process tells its own sockets, so a change made anywhere reaches everyone.
 */
export function attachLive(httpServer: HttpServer, deps: LiveDeps): LiveServer {
  const { db, templates, comments, settings, live, log, logger, limits } = deps;
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

  const toLive = (
    comment: Comment,
    slug: string,
    maxDepth: number,
    seq: number,
    votes?: ReadonlyMap<number, VoteCounts>,
  ): LiveComment => ({
    seq,
    id: comment.id,
    parent_id: comment.parentId,
    in_reply_to_id: comment.inReplyToId,
    author: comment.author,
    created_at: comment.createdAt.toISOString(),
    slug,
    html: templates.partial('comment', commentView(comment, { maxDepth, votes })),
  });

  const tombstoneHtml = (comment: Comment, maxDepth: number) =>
    templates.partial('comment', commentView(comment, { maxDepth }));

  const presence = presenceBroadcaster(io);

  // The moderators' live queue: only a signed-in moderator's session may join.
  io.engine.use((req: IncomingMessage & { _query?: Record<string, string> }, res: ServerResponse, next: () => void) => {
    // Readers' connections carry no session cookie; only the queue's need the store.
    if (!req.headers.cookie?.includes(SESSION_COOKIE)) return next();
    deps.sessions(req as never, res as never, next);
  });
  const moderators = io.of('/mod') as unknown as Namespace<Record<string, never>, ModServerEvents>;
  /** The moderator a connection's session belongs to, read afresh from the session store. */
  const moderatorOf = async (request: IncomingMessage) => {
    const { sessionID, sessionStore } = request as IncomingMessage & SessionRequest;
    if (!sessionID || !sessionStore) return undefined;
    const session = await new Promise<{ moderatorId?: number } | null | undefined>((resolve) =>
      sessionStore.get(sessionID, (error, stored) => resolve(error ? undefined : (stored as never))),
    );
    const id = session?.moderatorId;
    return id === undefined ? undefined : await deps.accounts.findById(id).catch(() => undefined);
  };
  moderators.use(async (socket, next) => {
    if (!(await moderatorOf(socket.request))) return next(new Error(liveErrors.signed_out));
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
      const { slug, after = 0, since } = parsed.data;
      if (!socket.data.follows.has(slug) && socket.data.follows.size >= live.maxFollows) {
        return refuse('too_many_follows', ack);
      }
      try {
        const row = await findQuestionBySlug(db, slug);
        if (!row) return refuse('not_found', ack);
        const question = toQuestion(row);
        socket.data.follows.set(slug, question.id);
        // Join first, then catch up: a change committed in between arrives twice at
        // worst, and the client keeps the newer of the two. Nothing can fall in the gap.
        await socket.join(questionRoom(question.id));
        const { maxThreadDepth } = await settings.current();
        if (since !== undefined) await replaySince(socket, question, since, maxThreadDepth);
        else await sendNewerThan(socket, question, after, maxThreadDepth);
        if (typeof ack === 'function') ack({ data: { slug, following: true } });
        presence.changed(question.id, slug);
      } catch (error) {
        logger.warn({ err: error }, 'follow failed');
        refuse(isDatabaseUnavailable(error) ? 'unavailable' : 'invalid', ack);
      }
    });

    /** Every approved comment newer than an id (followers that only know ids). */
    async function sendNewerThan(socket: LiveSocket, question: Question, after: number, maxDepth: number) {
      // What the follower has after this is as of the log's position now, or later.
      const seq = log.relayedSeq();
      let cursor = after;
      for (;;) {
        const missed = await comments.listSince(question, cursor, CATCH_UP_BATCH);
        const votes = await voteCountsFor(
          db,
          missed.map((comment) => comment.id),
        );
        for (const comment of missed) socket.emit('comment:new', toLive(comment, question.slug, maxDepth, seq, votes));
        if (missed.length < CATCH_UP_BATCH) break;
        cursor = (missed.at(-1) as Comment).id;
      }
    }

    /**
     * Every change to the question after `since`, once per comment as it stands now
     * (see planCatchUp), or `resync` when that is more than a catch-up may send or
     * reaches back past what the log still keeps.
     */
    async function replaySince(socket: LiveSocket, question: Question, since: number, maxDepth: number) {
      const [horizon, events] = await Promise.all([
        prunedThrough(db),
        readQuestionEventsAfter(db, question.id, since, REPLAYED_TYPES, CATCH_UP_LIMIT + 1),
      ]);
      if (since < horizon || events.length > CATCH_UP_LIMIT) {
        socket.emit('resync', { slug: question.slug });
        return;
      }
      const ids = [...new Set(events.map((event) => (event as { commentId: number }).commentId))];
      const [listed, votes] = await Promise.all([comments.listByIds(ids), voteCountsFor(db, ids)]);
      const current = new Map(listed.map((comment) => [comment.id, comment]));
      const isPublic = (id: number) => current.get(id)?.status === 'approved';
      const steps = planCatchUp(events, isPublic);
      const removed = steps.filter((step) => step.kind === 'remove').map((step) => step.commentId);
      const tombstones = new Map((await comments.listTombstonesAmong(removed)).map((c) => [c.id, c]));
      for (const step of steps) {
        const comment = current.get(step.commentId);
        if (step.kind === 'remove' || !comment) {
          const tombstone = tombstones.get(step.commentId);
          socket.emit('comment:remove', {
            id: step.commentId,
            slug: question.slug,
            seq: step.seq,
            ...(tombstone ? { tombstone_html: tombstoneHtml(tombstone, maxDepth) } : {}),
          });
        } else {
          const event = step.kind === 'new' ? 'comment:new' : 'comment:update';
          socket.emit(event, toLive(comment, question.slug, maxDepth, step.seq, votes));
        }
      }
    }

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

  const report = (what: string) => (error: unknown) => logger.warn({ err: error }, `live: ${what} failed`);
  const announceCount = async (questionId: number, slug: string) => {
    const count = await countApproved(db, questionId);
    io.local.to(FRONT_PAGE_ROOM).emit('question:count', { slug, answer_count: count });
  };
  const hasFollowers = (questionId: number) => (io.of('/').adapter.rooms.get(questionRoom(questionId))?.size ?? 0) > 0;

  // Every process relays every event to its own sockets (hence `local`): the log, not
  // the adapter, carries changes between processes, so none is lost with a process.
  log.subscribe('live', async (events) => {
    const commentIds = new Set<number>();
    const removedIds = new Set<number>();
    const questionIds = new Set<number>();
    // A comment's counts go out once per batch, with its last vote's seq (they are read now).
    const lastVote = new Map<number, number>();
    // Only what someone on this process watches is read: followers of the question, the
    // front page's counts, the moderators' queue.
    const frontPageWatched = (io.of('/').adapter.rooms.get(FRONT_PAGE_ROOM)?.size ?? 0) > 0;
    const queueChanged = events.some((event) => queueChange(event) !== undefined);
    for (const event of events) {
      if (!('questionId' in event)) continue;
      const followed = hasFollowers(event.questionId);
      if (followed || frontPageWatched) questionIds.add(event.questionId);
      if (!followed) continue;
      if (event.type === 'comment.published' || event.type === 'comment.edited') commentIds.add(event.commentId);
      if (event.type === 'comment.removed') removedIds.add(event.commentId);
      if (event.type === 'comment.voted') lastVote.set(event.commentId, event.seq);
    }
    const [slugs, current, votes, tombstones] = await Promise.all([
      questionSlugs(db, [...questionIds]),
      comments.listByIds([...commentIds]),
      voteCountsFor(db, [...commentIds, ...lastVote.keys()]),
      comments.listTombstonesAmong([...removedIds]),
    ]);
    const byId = new Map(current.map((comment) => [comment.id, comment]));
    const tombstoneById = new Map(tombstones.map((comment) => [comment.id, comment]));
    const { maxThreadDepth } = await settings.current();
    const counts = new Set<number>();
    for (const event of events) {
      if (!('questionId' in event)) continue;
      const slug = slugs.get(event.questionId);
      if (slug === undefined) continue;
      const room = io.local.to(questionRoom(event.questionId));
      switch (event.type) {
        case 'comment.published':
        case 'comment.edited': {
          const comment = byId.get(event.commentId);
          // Read now, not as it was: a comment removed since is left to its removal event.
          if (comment?.status === 'approved') {
            const name = event.type === 'comment.published' ? 'comment:new' : 'comment:update';
            room.emit(name, toLive(comment, slug, maxThreadDepth, event.seq, votes));
          }
          if (event.type === 'comment.published') counts.add(event.questionId);
          break;
        }
        case 'comment.removed': {
          // With published replies it stays, as a tombstone, and they stay under it.
          const tombstone = tombstoneById.get(event.commentId);
          room.emit('comment:remove', {
            id: event.commentId,
            slug,
            seq: event.seq,
            ...(tombstone ? { tombstone_html: tombstoneHtml(tombstone, maxThreadDepth) } : {}),
          });
          counts.add(event.questionId);
          break;
        }
        case 'question.summarised': {
          const question = await findQuestionById(db, event.questionId);
          if (question?.summary_updated_at) {
            room.emit('question:summary', {
              slug,
              html: question.summary_html,
              updated_at: new Date(question.summary_updated_at).toISOString(),
              seq: event.seq,
            });
          }
          break;
        }
        case 'comment.voted': {
          if (lastVote.get(event.commentId) !== event.seq) break;
          const tally = votes.get(event.commentId) ?? { agree: 0, disagree: 0, pass: 0 };
          room.emit('comment:votes', { id: event.commentId, slug, seq: event.seq, ...tally });
          break;
        }
      }
    }
    for (const questionId of frontPageWatched ? counts : []) {
      announceCount(questionId, slugs.get(questionId) as string).catch(report('answer count'));
    }
    if (queueChanged) await tellModerators(events);
  });

  /**
   * The queue's news goes to signed-in moderators only, checked at each event: a
   * moderator signed out or removed since connecting is disconnected, not told.
   */
  async function tellModerators(events: readonly LoggedEvent[]) {
    const sockets = [...moderators.sockets.values()];
    const stillSignedIn = await Promise.all(sockets.map((socket) => moderatorOf(socket.request)));
    sockets.forEach((socket, index) => {
      if (!stillSignedIn[index]) socket.disconnect(true);
    });
    for (const event of events) {
      const change = queueChange(event);
      if (change) moderators.local.emit('queue:changed', change);
    }
  }

  return io;
}

type SessionRequest = { sessionID?: string; sessionStore?: import('express-session').Store };

/** What the moderators' queue is told of an event, if anything. */
function queueChange(event: LoggedEvent): QueueChange | undefined {
  switch (event.type) {
    case 'comment.held':
      return { commentId: event.commentId, change: 'held', to: event.status };
    case 'comment.moderated':
      return { commentId: event.commentId, change: 'moderated', from: event.from, to: event.to, by: event.by };
    case 'comment.reported':
      return { commentId: event.commentId, change: 'reported', hidden: event.hidden };
    default:
      return undefined;
  }
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
