import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import { pickEncoding, type Asset, type Assets } from './assets.ts';

/** The dashboard's pages, the list the browser's router reads too (plain JavaScript there). */
const { isPage } = (await import(new URL('../public/js/pages.js', import.meta.url).href)) as { isPage: (pathname: string) => boolean };

/** Fingerprinted files never change under their name. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The page may be kept, but must be revalidated (ETag) before each use: it names the current assets. */
export const REVALIDATE = 'no-cache';

function send(req: Request, res: Response, a: Asset, cacheControl: string, status = 200): void {
  res.setHeader('content-type', a.type);
  res.setHeader('cache-control', cacheControl);
  res.setHeader('etag', a.etag);
  res.vary('accept-encoding');
  if (status === 200 && req.fresh) {
    res.status(304).end();
    return;
  }
  const enc = pickEncoding(req.get('accept-encoding'));
  const body = enc === 'br' ? a.br : enc === 'gzip' ? a.gzip : a.body;
  if (enc) res.setHeader('content-encoding', enc);
  res.setHeader('content-length', body.length);
  res.status(status).end(req.method === 'HEAD' ? undefined : body);
}

/**
 * The dashboard: hashed assets under /assets, and index.html for any GET for HTML at a
 * path without a file extension, so a reload or a bookmark of /profile works: 200 for the
 * pages public/js/pages.js lists, 404 for the rest.
 */
export function dashboardRoutes(assets: () => Assets): Router {
  const r = Router();
  r.get('/assets/*path', (req, res, next) => {
    const a = assets().byUrl.get(req.path);
    if (!a) {
      next();
      return;
    }
    res.locals.route = '/assets';
    send(req, res, a, IMMUTABLE);
  });
  r.get('/{*path}', (req, res, next) => {
    if (path.posix.extname(req.path) || req.path.startsWith('/assets/') || !req.accepts('html')) {
      next();
      return;
    }
    res.locals.route = '/';
    // Any other path still gets the page (it says "Page not found"), with the status a browser, a crawler and a monitor read.
    send(req, res, assets().index, REVALIDATE, isPage(req.path) ? 200 : 404);
  });
  return r;
}
