import { Router } from 'express';
import { sql } from 'kysely';
import type { DB } from './db/database.js';

/** 200 when the app and its database answer; 503 (with a reason) when the database does not. */
export function healthRoutes(db: DB): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    try {
      await sql`select 1`.execute(db);
      res.json({ status: 'ok', database: 'ok' });
    } catch {
      res.status(503).set('Retry-After', '10').json({ status: 'unavailable', database: 'unreachable' });
    }
  });
  return router;
}
