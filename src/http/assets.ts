import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

/** A year: a hashed name changes whenever the file does, so it can be cached forever. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const HASHED = /^(.+)\.([0-9a-f]{10})(\.(?:css|js|svg|map))$/;
/** What public/ holds: stylesheets, built scripts, the icon. */
const STATIC_PATH = /^\/(?:css|js)\/|^\/favicon\.svg$/;

export interface Assets {
  /** '/css/site.css' → '/css/site.1a2b3c4d5e.css' (the path itself for a file it does not know). */
  url(publicPath: string): string;
  router: Router;
}

/**
 * Static files: served under their plain names with a short cache, and under names
 * holding a hash of their content with a year's cache. Pages link the hashed names,
 * so a deploy is picked up at once and repeat visits fetch nothing.
 */
export function createAssets(publicDir: string, hashedFiles: readonly string[]): Assets {
  const hashes = new Map<string, string>();
  for (const file of hashedFiles) {
    try {
      const digest = createHash('sha256')
        .update(readFileSync(path.join(publicDir, file)))
        .digest('hex')
        .slice(0, 10);
      hashes.set(`/${file}`, digest);
    } catch {
      // Not built (the page script before `npm run build:client`): linked by its plain name.
    }
  }

  const router = express.Router();
  router.get(HASHED, (req, res, next) => {
    const [, stem, hash, extension] = HASHED.exec(req.path) as RegExpExecArray;
    const plain = `${stem}${extension}`;
    if (hashes.get(plain) !== hash) return next();
    res.set('Cache-Control', IMMUTABLE);
    res.sendFile(plain.slice(1), { root: publicDir, dotfiles: 'deny', cacheControl: false });
  });
  // Only paths that can be files reach the file system: a page request costs no stat().
  const serveFile = express.static(publicDir, { index: false, maxAge: '1h', dotfiles: 'deny', redirect: false });
  router.use((req, res, next) => (STATIC_PATH.test(req.path) ? serveFile(req, res, next) : next()));

  return {
    url(publicPath) {
      const hash = hashes.get(publicPath);
      if (!hash) return publicPath;
      const extension = path.extname(publicPath);
      return `${publicPath.slice(0, -extension.length)}.${hash}${extension}`;
    },
    router,
  };
}
