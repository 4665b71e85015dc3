import { Agent as HttpAgent, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Express, RequestHandler } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { Logger } from '../../shared/log.ts';

export interface ApiProxy {
  handler: RequestHandler;
  close(): void;
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** `/api` and everything under it, nothing else (`/apix` is not the API). */
export const isApiPath = (pathname: string) => pathname === '/api' || pathname.startsWith('/api/');

const TIMED_OUT = Symbol('timed out');

/**
 * Forwards every /api request to the auth service as it came: method, path, query,
 * headers (cookies included) and body, streamed both ways; the answer comes back as the
 * auth service gave it (Set-Cookie included). What the frontend adds: X-Forwarded-For,
 * -Proto and -Host (taken over from the client only when it is a trusted proxy, as
 * Express's `trust proxy` says), and X-Request-Id. The auth service down is a 502, too
 * slow a 504, in the shared error shape, never a hang.
 */
export function apiProxy(app: Express, target: string, timeoutMs: number, log: Logger): ApiProxy {
  // Connections are reused, but dropped after 4 s idle: before the auth service's own
  // keep-alive timeout (Node's 5 s) closes them under a request that was about to use one.
  const agentOptions = { keepAlive: true, scheduling: 'lifo' as const, timeout: 4000 };
  const agent = target.startsWith('https:') ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const trusted = app.get('trust proxy fn') as (addr: string, i: number) => boolean;

  const forwarded = (proxyReq: ClientRequest, req: IncomingMessage, res: ServerResponse) => {
    const peer = req.socket.remoteAddress ?? '';
    const viaProxy = peer !== '' && trusted(peer, 0);
    const given = (h: string) => (viaProxy ? first(req.headers[h])?.trim() || undefined : undefined);
    const xff = given('x-forwarded-for');
    proxyReq.setHeader('x-forwarded-for', xff ? `${xff}, ${peer}` : peer);
    proxyReq.setHeader('x-forwarded-proto', given('x-forwarded-proto') ?? ((req.socket as TLSSocket).encrypted ? 'https' : 'http'));
    const host = given('x-forwarded-host') ?? req.headers.host;
    if (host) proxyReq.setHeader('x-forwarded-host', host);
    else proxyReq.removeHeader('x-forwarded-host');
    const id = res.getHeader('x-request-id');
    if (typeof id === 'string') proxyReq.setHeader('x-request-id', id);
    proxyReq.once('timeout', () => {
      (req as IncomingMessage & { [TIMED_OUT]?: boolean })[TIMED_OUT] = true;
    });
  };

  const handler = createProxyMiddleware<IncomingMessage, ServerResponse>({
    target,
    pathFilter: (pathname) => isApiPath(pathname),
    agent,
    // The Host header goes through unchanged (the auth service sees the name the browser used).
    changeOrigin: false,
    xfwd: false,
    proxyTimeout: timeoutMs,
    on: {
      proxyReq: forwarded,
      // http-proxy pipes the answer through; when the auth service dies in the middle of
      // it, the pipe just stops and the browser would wait forever. Cut the connection instead.
      proxyRes: (proxyRes, req, res) => {
        proxyRes.once('close', () => {
          if (!proxyRes.complete && !res.destroyed) {
            log.warn({ path: req.url, status: proxyRes.statusCode }, 'auth service connection lost mid-answer');
            res.destroy();
          }
        });
      },
      error: (err, req, res) => {
        const timedOut = (req as IncomingMessage & { [TIMED_OUT]?: boolean })[TIMED_OUT] === true;
        const e = err as NodeJS.ErrnoException;
        log.warn({ err: { code: e.code, message: e.message }, path: req.url, timedOut }, 'auth service did not answer');
        if (!('writeHead' in res)) {
          (res as Socket).destroy();
          return;
        }
        if (res.headersSent) {
          // The answer had started: nothing sane can follow; cut it so the client sees an error.
          res.destroy();
          return;
        }
        const [status, code, message] = timedOut
          ? [504, 'auth_timeout', 'the authentication service took too long to answer; try again']
          : [502, 'auth_unavailable', 'the authentication service is unavailable; try again shortly'];
        const body = JSON.stringify({ error: { code, message } });
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'retry-after': '2', 'cache-control': 'no-store' });
        res.end(body);
      },
    },
  });

  return {
    handler: (req, res, next) => {
      if (!isApiPath(req.path)) {
        next();
        return;
      }
      res.locals.route = '/api';
      void handler(req, res, next);
    },
    close: () => agent.destroy(),
  };
}
