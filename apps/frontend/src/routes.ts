import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import { pickEncoding, type Asset, type Assets } from './assets.ts';

/** Fingerprinted files never change under their name. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The page may be kept, but must be revalidated (ETag) before each use: it names the current assets. */
export const REVALIDATE = 'no-cache';

function send(req: Request, res: Response, a: Asset, cacheControl: string): void {
  res.setHeader('content-type', a.type);
  res.setHeader('cache-control', cacheControl);
  res.setHeader('etag', a.etag);
  res.vary('accept-encoding');
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  const enc = pickEncoding(req.get('accept-encoding'));
  const body = enc === 'br' ? a.br : enc === 'gzip' ? a.gzip : a.body;
  if (enc) res.setHeader('content-encoding', enc);
  res.setHeader('content-length', body.length);
  res.status(200).end(req.method === 'HEAD' ? undefined : body);
}

/**
 * The dashboard: hashed assets under /assets, and index.html for the page paths the
 * browser-side router knows (any GET for HTML at a path without a file extension), so a
 * reload or a bookmark of /profile works.
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
    send(req, res, assets().index, REVALIDATE);
  });
  return r;
}
