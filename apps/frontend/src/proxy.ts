import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../../shared/log.ts';

export interface ApiProxy {
  handler: RequestHandler;
  close(): void;
}

/** `/api` and everything under it, nothing else (`/apix` is not the API). */
export const isApiPath = (pathname: string) => pathname === '/api' || pathname.startsWith('/api/');

/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus the
 * framing ones: they are never copied from one side to the other. The body's framing is
 * decided here, from what Node's parser read, never taken over from the client.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length']);
/** What the gateway itself writes: a client's values never reach the auth service. */
const OURS = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-real-ip', 'forwarded', 'x-request-id']);

function copyable(headers: IncomingHttpHeaders, drop: Set<string>): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name) || drop.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/**
 * Forwards every /api request to the auth service with Node's own HTTP client: method,
 * path, query, end-to-end headers (cookies included) and body, streamed both ways; the
 * answer comes back as the auth service gave it (Set-Cookie included).
 *
 * Framing is ours, not the client's: a body Node's parser read as Content-Length goes on
 * with that length, a chunked one is chunked again, and a request without either has no
 * body, whatever its method. So nothing a client sends can become a second request on the
 * connection to the auth service (http-proxy 1.18 set Content-Length: 0 on a chunked
 * DELETE and still wrote its body: a smuggled request from a trusted peer).
 *
 * X-Forwarded-For is the client's address as Express resolved it (`trust proxy`: only the
 * configured Ingress may name another), -Proto and -Host likewise; X-Request-Id is the
 * one this request logs under. The auth service down is a 502, too slow a 504, in the
 * shared error shape, never a hang.
 */
export function apiProxy(target: string, timeoutMs: number, log: Logger): ApiProxy {
  const base = new URL(target);
  const secure = base.protocol === 'https:';
  // Connections are reused, but dropped after 4 s idle: before the auth service's own
  // keep-alive timeout (Node's 5 s) closes them under a request that was about to use one.
  const agentOptions = { keepAlive: true, scheduling: 'lifo' as const, timeout: 4000 };
  const agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const send = secure ? httpsRequest : httpRequest;

  const failed = (req: Request, res: ServerResponse, err: NodeJS.ErrnoException, timedOut: boolean) => {
    log.warn({ err: { code: err.code, message: err.message }, path: req.path, timedOut }, 'auth service did not answer');
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
    req.resume();
  };

  const handler: RequestHandler = (req, res, next) => {
    if (!isApiPath(req.path)) {
      next();
      return;
    }
    res.locals.route = '/api';
    const headers = copyable(req.headers, OURS);
    headers['x-forwarded-for'] = req.ip ?? req.socket.remoteAddress ?? '';
    headers['x-forwarded-proto'] = req.protocol || ((req.socket as TLSSocket).encrypted ? 'https' : 'http');
    // Express 5 takes X-Forwarded-Host (and -Proto, above) only from a trusted proxy.
    const host = req.host;
    if (host) headers['x-forwarded-host'] = host;
    const id = res.getHeader('x-request-id');
    if (typeof id === 'string') headers['x-request-id'] = id;
    const length = req.headers['content-length'];
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if (length !== undefined) headers['content-length'] = length;
    // Said outright: Node's client frames a body without a length as chunked only for
    // methods it expects a body on, and writes a DELETE's or OPTIONS' body bare, which
    // is the smuggling http-proxy allowed.
    else if (chunked) headers['transfer-encoding'] = 'chunked';

    let timedOut = false;
    let answered = false;
    const upstream = send({ protocol: base.protocol, hostname: base.hostname, port: base.port, agent, method: req.method, path: req.originalUrl, headers });
    upstream.setTimeout(timeoutMs, () => {
      timedOut = true;
      upstream.destroy(new Error(`no answer within ${timeoutMs} ms`));
    });
    upstream.on('response', (answer: IncomingMessage) => {
      answered = true;
      upstream.setTimeout(0);
      res.statusCode = answer.statusCode ?? 502;
      for (const [name, value] of Object.entries(copyable(answer.headers, new Set()))) res.setHeader(name, value!);
      const answerLength = answer.headers['content-length'];
      if (answerLength !== undefined) res.setHeader('content-length', answerLength);
      answer.pipe(res);
      // When the auth service dies in the middle of the answer, cut the client's too.
      answer.once('close', () => {
        if (!answer.complete && !res.destroyed) {
          log.warn({ path: req.path, status: answer.statusCode }, 'auth service connection lost mid-answer');
          res.destroy();
        }
      });
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      // An answer that came before the whole body was sent (a 413, a 401 before reading)
      // stands: the auth service stopped reading, which is not an outage.
      if (answered) {
        req.unpipe(upstream);
        req.resume();
        return;
      }
      failed(req, res, err, timedOut);
    });
    // The client went away: so does the request to the auth service.
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    if (length !== undefined || chunked) req.pipe(upstream);
    else {
      upstream.end();
      req.resume();
    }
  };

  return { handler, close: () => agent.destroy() };
}
