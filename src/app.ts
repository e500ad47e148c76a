import compression from 'compression';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { commentRoutes } from './comments/comment.routes.js';
import { type CommentService, createCommentService } from './comments/comment.service.js';
import { feedRoutes } from './comments/feed.routes.js';
import type { Config } from './config.js';
import type { DB } from './db/database.js';
import type { ForumEvents } from './events.js';
import { healthRoutes } from './health.routes.js';
import { notFound } from './http/app-error.js';
import { errorHandler } from './http/error-handler.js';
import { sameOrigin } from './http/same-origin.js';
import { createBanService } from './moderation/ban.service.js';
import { moderationRoutes } from './moderation/moderation.routes.js';
import { createModerationService } from './moderation/moderation.service.js';
import { reportRoutes } from './moderation/report.routes.js';
import { createReportService } from './moderation/report.service.js';
import { createSettingsService, type SettingsService } from './moderation/settings.service.js';
import { loadModerator } from './moderators/guards.js';
import { createModeratorAccounts } from './moderators/moderator.service.js';
import { signInRoutes } from './moderators/sign-in.routes.js';
import { createSignIn } from './moderators/sign-in.service.js';
import { PUBLIC_DIR } from './paths.js';
import { questionRoutes } from './questions/question.routes.js';
import { createQuestionModeration } from './questions/question-moderation.service.js';
import { createThreadPage } from './questions/thread-page.js';
import { sessionMiddleware } from './sessions/session.js';
import { loadTemplates, type Templates } from './views/templates.js';

export interface AppDeps {
  db: DB;
  config: Config;
  logger: Logger;
  events: ForumEvents;
  templates?: Templates;
}

export interface Forum {
  app: Express;
  templates: Templates;
  comments: CommentService;
  settings: SettingsService;
}

/** The Express app and its services, without listening: tests drive it directly. */
export function createApp(deps: AppDeps): Forum {
  const { db, config, logger, events } = deps;
  const templates = deps.templates ?? loadTemplates();
  const settings = createSettingsService(db, config.forum);
  const bans = createBanService(db);
  const comments = createCommentService({ db, settings, secret: config.sessionSecret, events, bans });
  const renderThreadPage = createThreadPage({ db, templates, comments, settings, secret: config.sessionSecret });

  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.set('x-powered-by', false);
  app.set('etag', 'strong');
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
        },
      },
      strictTransportSecurity: config.env === 'production',
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    }),
  );
  app.use(compression());
  app.use(express.static(PUBLIC_DIR, { index: false, maxAge: '1h' }));
  app.use(cookieParser());
  app.use(sameOrigin);

  app.use(healthRoutes(db));
  app.use(questionRoutes({ db, templates, settings, renderThreadPage, publicUrl: config.publicUrl }));
  app.use(commentRoutes({ db, templates, settings, comments, renderThreadPage }));
  app.use(feedRoutes(db, templates, config.publicUrl));
  app.use(reportRoutes({ db, templates, reports: createReportService({ db, events, settings }) }));

  // Sessions are for moderators only; readers' pages never set or read one.
  const accounts = createModeratorAccounts(db);
  app.use(
    ['/login', '/logout', '/mod'],
    sessionMiddleware(db, config.sessionSecret, config.signIn),
    loadModerator(accounts),
  );
  app.use(signInRoutes({ templates, signIn: createSignIn(db, config.signIn) }));
  const moderation = createModerationService({ db, events });
  const questions = createQuestionModeration({ db, events });
  app.use(moderationRoutes({ db, templates, settings, moderation, comments, bans, questions }));

  app.use((_req, _res, next) => next(notFound()));
  app.use(errorHandler(templates, logger));
  return { app, templates, comments, settings };
}
