import { randomBytes, timingSafeEqual } from 'node:crypto';
import { parse } from 'cookie';
import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import { HttpError } from '../../shared/http.ts';
import type { AuthConfig } from './config.ts';
import { sha256, type SessionDoc } from './store.ts';

/** 256 random bits, URL-safe: session ids, CSRF tokens, device tokens. */
export const newToken = (): string => randomBytes(32).toString('base64url');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export const DEVICE_DAYS = 180;

/**
 * Cookie names and flags. `__Host-` binds a cookie to this exact origin (no Domain, Path
 * /, Secure), so a sibling subdomain cannot plant a session or CSRF cookie; browsers
 * refuse it without Secure, hence the plain names for plain-HTTP local runs only.
 */
export function cookieJar(cfg: AuthConfig) {
  const prefix = cfg.cookieSecure ? '__Host-' : '';
  const names = { session: `${prefix}kv-session`, csrf: `${prefix}kv-csrf`, device: `${prefix}kv-device` };
  const base: CookieOptions = { httpOnly: true, secure: cfg.cookieSecure, sameSite: 'strict', path: '/' };
  const read = (req: Request, name: string): string | undefined => {
    const v = parse(req.get('cookie') ?? '')[name];
    return v !== undefined && TOKEN.test(v) ? v : undefined;
  };
  return {
    names,
    sessionToken: (req: Request) => read(req, names.session),
    csrfToken: (req: Request) => read(req, names.csrf),
    deviceToken: (req: Request) => read(req, names.device),
    setSession(res: Response, token: string, csrf: string) {
      const maxAge = cfg.sessionAbsoluteHours * 3600 * 1000;
      res.cookie(names.session, token, { ...base, maxAge });
      res.cookie(names.csrf, csrf, { ...base, maxAge });
    },
    setCsrf(res: Response, csrf: string) {
      res.cookie(names.csrf, csrf, base);
    },
    setDevice(res: Response, token: string) {
      res.cookie(names.device, token, { ...base, maxAge: DEVICE_DAYS * 24 * 3600 * 1000 });
    },
    clearSession(res: Response) {
      res.clearCookie(names.session, base);
    },
    clearDevice(res: Response) {
      res.clearCookie(names.device, base);
    },
  };
}

export type CookieJar = ReturnType<typeof cookieJar>;

const equal = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for every state-changing request, in depth: SameSite=Strict cookies; a
 * browser's Fetch Metadata and Origin must say same origin; and the X-CSRF-Token header
 * must equal the CSRF cookie (double submit, which a cross-site page can neither read
 * nor, with __Host-, overwrite) and, once logged in, the token stored with the session.
 */
export function csrfGuard(jar: CookieJar): RequestHandler {
  return (req, res, next) => {
    if (SAFE.has(req.method)) return next();
    const fail = (why: string) => next(new HttpError(403, 'csrf_failed', `request refused: ${why}; reload the page and try again`));
    if (req.get('sec-fetch-site') === 'cross-site') return fail('it came from another site');
    const origin = req.get('origin');
    if (origin !== undefined && origin !== 'null') {
      // X-Forwarded-Host only from a trusted proxy (Express 5's req.host follows TRUSTED_PROXIES).
      const host = req.host;
      let originHost: string | undefined;
      try {
        originHost = new URL(origin).host;
      } catch {
        originHost = undefined;
      }
      if (originHost !== host) return fail('it came from another origin');
    } else if (origin === 'null') return fail('it came from an opaque origin');
    const header = req.get('x-csrf-token') ?? '';
    const cookie = jar.csrfToken(req);
    if (!cookie || !equal(header, cookie)) return fail('the X-CSRF-Token header does not match');
    const session = res.locals.session as SessionDoc | undefined;
    if (session && !equal(header, session.csrf)) return fail('the CSRF token belongs to another session');
    next();
  };
}

/** The session named by the cookie, if it exists and has not run out. */
export function sessionLoader(jar: CookieJar, sessions: () => Promise<{ get(id: string): Promise<SessionDoc | null>; update(id: string, p: Partial<SessionDoc>): Promise<SessionDoc | null> }>, cfg: AuthConfig, clock: () => number): RequestHandler {
  return async (req, res, next) => {
    try {
      const token = jar.sessionToken(req);
      if (token) {
        const store = await sessions();
        const doc = await store.get(sha256(token));
        const now = clock();
        if (doc && Date.parse(doc.expiresAt) > now && Date.parse(doc.absoluteExpiresAt) > now) {
          // Sliding idle limit, written at most once a minute to spare the database.
          if (now - Date.parse(doc.lastSeenAt) > 60_000) {
            const expiresAt = new Date(Math.min(now + cfg.sessionIdleMinutes * 60_000, Date.parse(doc.absoluteExpiresAt))).toISOString();
            await store.update(doc.id, { lastSeenAt: new Date(now).toISOString(), expiresAt });
            doc.expiresAt = expiresAt;
          }
          res.locals.session = doc;
        }
      }
      next();
    } catch (e) {
      next(e);
    }
  };
}
