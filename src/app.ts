import { randomUUID } from 'node:crypto';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type pg from 'pg';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { commentRoutes } from './comments/comment.routes.js';
import { type CommentService, createCommentService } from './comments/comment.service.js';
import { feedRoutes } from './comments/feed.routes.js';
import { conclusionRoutes } from './conclusions/conclusion.routes.js';
import type { Config } from './config.js';
import type { DB } from './db/database.js';
import { discussionRoutes } from './discussions/discussion.routes.js';
import { moveRoutes } from './discussions/move.routes.js';
import { createCommentMover } from './discussions/move.service.js';
import type { EventLog } from './events/event-log.js';
import { answersExportRoutes } from './exports/answers.routes.js';
import { healthRoutes } from './health.routes.js';
import { notFound } from './http/app-error.js';
import { createAssets } from './http/assets.js';
import { createCsrf } from './http/csrf.js';
import { errorHandler } from './http/error-handler.js';
import { sameOrigin } from './http/same-origin.js';
import { issueVisitorCookie } from './http/visitor.js';
import { createRateLimits, type RateLimits } from './limits/rate-limits.js';
import { mailRoutes } from './mail/mail.routes.js';
import { createMail, type Mail } from './mail/mail.service.js';
import { mailAdminRoutes } from './mail/mail-admin.routes.js';
import { createBanService } from './moderation/ban.service.js';
import { moderationRoutes } from './moderation/moderation.routes.js';
import { createModerationService } from './moderation/moderation.service.js';
import { reportRoutes } from './moderation/report.routes.js';
import { createReportService } from './moderation/report.service.js';
import { loadModerator } from './moderators/guards.js';
import { createModeratorAccounts, type ModeratorAccounts } from './moderators/moderator.service.js';
import { signInRoutes } from './moderators/sign-in.routes.js';
import { createSignIn } from './moderators/sign-in.service.js';
import { mapPath, opinionMapRoutes } from './opinion-map/opinion-map.routes.js';
import { createOpinionMaps, type OpinionMaps } from './opinion-map/opinion-map.service.js';
import { PUBLIC_DIR } from './paths.js';
import { frontPageRoutes } from './questions/front-page.routes.js';
import { createPageCaches } from './questions/page-caches.js';
import { questionRoutes } from './questions/question.routes.js';
import { createQuestionModeration } from './questions/question-moderation.service.js';
import { createThreadPage } from './questions/thread-page.js';
import { searchRoutes } from './search/search.routes.js';
import { createSearch } from './search/search.service.js';
import { sessionMiddleware } from './sessions/session.js';
import { createSettingsService, type SettingsService } from './settings/settings.service.js';
import { loadTemplates, type Templates } from './views/templates.js';
import { createVisits } from './visits/visits.service.js';
import { voteRoutes } from './votes/vote.routes.js';
import { createVoteService } from './votes/vote.service.js';
import { voteModRoutes } from './votes/vote-mod.routes.js';

export interface AppDeps {
  db: DB;
  /** The server database's pool, when there is one: rate limits are kept there. */
  pool?: pg.Pool;
  config: Config;
  logger: Logger;
  /** The event log's relay for this process (started by the caller). */
  log: EventLog;
  templates?: Templates;
}

export interface Forum {
  app: Express;
  log: EventLog;
  templates: Templates;
  comments: CommentService;
  limits: RateLimits;
  /** Moderators' sessions, for the live queue's Socket.IO namespace to authenticate with. */
  sessions: RequestHandler;
  accounts: ModeratorAccounts;
  settings: SettingsService;
  /** Opinion maps kept in memory (their recomputation timers stop with `maps.close()`). */
  maps: OpinionMaps;
  /** Email: subscriptions, the log's mail consumer, and the sender (started by the server). */
  mail: Mail;
}

/** The Express app and its services, without listening: tests drive it directly. */
export function createApp(deps: AppDeps): Forum {
  const { db, config, logger, log } = deps;
  const assets = createAssets(PUBLIC_DIR, ['css/site.css', 'js/live.js', 'js/mod-queue.js', 'favicon.svg']);
  const templates = deps.templates ?? loadTemplates(undefined, assets.url);
  const settings = createSettingsService(db, log, config.forum);
  const bans = createBanService(db, log);
  const limits = createRateLimits(config.rateLimits, { pool: deps.pool, redisUrl: config.redisUrl });
  const comments = createCommentService({ db, settings, secret: config.sessionSecret, log, bans });
  const servedOverTls = config.publicUrl.startsWith('https://');
  const csrf = createCsrf(config.sessionSecret);
  const caches = createPageCaches(db, log);
  const maps = createOpinionMaps({ db, log, settings });
  const mail = createMail({
    db,
    log,
    logger,
    settings: config.mail,
    publicUrl: config.publicUrl,
    secret: config.sessionSecret,
    dataDir: config.dataDir,
  });
  const visits = createVisits(db);
  const renderThreadPage = createThreadPage({
    db,
    templates,
    comments,
    settings,
    secret: config.sessionSecret,
    csrf,
    cache: caches.threads,
    relayedSeq: log.relayedSeq,
    mapUrl: (question) => (maps.peek(question.id)?.ready ? mapPath(question.slug) : null),
    visits,
  });

  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.set('x-powered-by', false);
  // Pages carry per-reader tokens (captcha, CSRF), so hashing each one for an ETag is
  // wasted work; the pages that are the same for everyone set their own (post pages).
  app.set('etag', false);
  app.use(
    pinoHttp({
      logger,
      // Paths only: query strings, cookies and bodies may hold what people typed.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
      // One id per request, in every line about it and in the response, to match a
      // person's report with the logs.
      genReqId: (_req, res) => {
        const id = randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customProps: (req) => ({ route: (req as express.Request).route?.path }),
      autoLogging: { ignore: (req) => req.url === '/healthz' },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          // Only where the forum is served over TLS; on http://localhost it would break every request.
          upgradeInsecureRequests: servedOverTls ? [] : null,
        },
      },
      strictTransportSecurity: servedOverTls,
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    }),
  );
  app.use(compression());
  app.use(assets.router);
  // Browsers ask for /favicon.ico on pages that name no icon (the feed, JSON).
  app.get('/favicon.ico', (_req, res) => res.redirect(301, '/favicon.svg'));
  // The secret signs the visitor cookie (see http/visitor.ts).
  app.use(cookieParser(config.sessionSecret));
  // Before the same-origin check, on purpose: see mail.routes.ts (RFC 8058 one-click).
  app.use(mailRoutes({ templates, mail }));
  app.use(sameOrigin(config.publicOrigin));
  app.use(issueVisitorCookie);

  app.use(healthRoutes(db));
  app.use(
    frontPageRoutes({
      db,
      templates,
      publicUrl: config.publicUrl,
      visits,
      postPages: caches.posts,
      frontPages: caches.fronts,
      questionLists: caches.questionLists,
    }),
  );
  app.use(
    questionRoutes({
      db,
      settings,
      renderThreadPage,
      secret: config.sessionSecret,
      limits,
      csrf,
      questionLists: caches.questionLists,
      questions: caches.questions,
    }),
  );
  app.use(commentRoutes({ db, templates, settings, comments, renderThreadPage, limits, csrf, mail }));
  app.use(feedRoutes(db, comments, templates, config.publicUrl));
  app.use(searchRoutes({ search: createSearch(db, log), templates }));
  app.use(answersExportRoutes({ db }));
  app.use(discussionRoutes({ db, renderThreadPage }));
  app.use(reportRoutes({ db, templates, limits, comments, reports: createReportService({ log, settings }) }));
  app.use(voteRoutes({ db, votes: createVoteService({ log }), limits, csrf }));
  app.use(opinionMapRoutes({ db, templates, maps, comments, settings }));
  app.use(conclusionRoutes({ db, templates, comments, settings }));

  // Sessions are for moderators only; readers' pages never set or read one.
  const accounts = createModeratorAccounts(db);
  const sessions = sessionMiddleware(db, config.sessionSecret, config.signIn);
  app.use(['/login', '/logout', '/mod'], sessions, loadModerator(accounts));
  app.use(signInRoutes({ templates, signIn: createSignIn(db, config.signIn) }));
  const moderation = createModerationService({ db, log });
  const questions = createQuestionModeration({ log });
  app.use(moderationRoutes({ db, templates, settings, moderation, comments, bans, questions }));
  app.use(moveRoutes({ db, templates, moveComment: createCommentMover({ log }) }));
  app.use(voteModRoutes({ db, templates }));
  app.use(mailAdminRoutes({ templates, mail }));

  app.use((_req, _res, next) => next(notFound()));
  app.use(errorHandler(templates, logger));
  return {
    app,
    log,
    templates,
    comments,
    settings,
    limits,
    sessions,
    accounts,
    maps,
    mail,
  };
}
