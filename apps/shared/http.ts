import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from './log.ts';
import type { ServiceMetrics } from './metrics.ts';
import { InvalidTextError, StoreUnavailableError } from './store/types.ts';
import { textProblem } from './text.ts';

/** What a request id from a caller (a proxy, the gateway) may look like. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** An error the client caused or should know about: status, a machine-readable code, a message. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface BaseAppOptions {
  log: Logger;
  metrics: ServiceMetrics;
  /** What /readyz checks, by name (models loaded, database reachable, ...): ready when every one answers `ok`. */
  readiness: Readonly<Record<string, () => string | Promise<string>>>;
  /** The service's OpenAPI document, served at /openapi.json without credentials. */
  openapi?: object;
  /** Express's `trust proxy`: the proxies whose X-Forwarded-* are believed (TRUSTED_PROXIES). */
  trustedProxies: string[];
  /** MANAGEMENT_PORT: when set, the probes and metrics move there and PORT no longer answers them. */
  managementPort?: number;
}

/**
 * The parts every service shares: no framework banner, request ids and access logs,
 * request metrics by route, /healthz (alive), /readyz (can serve), /metrics.
 */
export function baseApp(o: BaseAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // An empty list trusts no one (proxy-addr would read [] the same way; false says it plainly).
  app.set('trust proxy', o.trustedProxies.length ? o.trustedProxies : false);
  app.locals[IN_FLIGHT] = new InFlight();
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    // A caller's id is kept only when it looks like one: it goes into every log line and header.
    const given = req.get('x-request-id');
    const id = given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', id);
    res.on('finish', () => {
      const route = (res.locals.route as string | undefined) ?? (req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched');
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      o.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      o.metrics.httpDuration.observe({ method: req.method, route }, seconds);
      if (route !== '/healthz' && route !== '/readyz' && route !== '/metrics') {
        o.log.info({ req: { id, method: req.method, route }, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
      }
    });
    next();
  });
  let management = app;
  if (o.managementPort) {
    management = express();
    management.disable('x-powered-by');
    app.locals[MANAGEMENT] = { app: management, port: o.managementPort } satisfies Management;
  }
  management.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  management.get('/readyz', async (_req, res) => {
    const checks = Object.fromEntries(await Promise.all(Object.entries(o.readiness).map(async ([name, check]) => [name, await check()] as const)));
    const ready = Object.values(checks).every((c) => c === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  management.get('/metrics', async (_req, res) => {
    res.type(o.metrics.registry.contentType).send(await o.metrics.registry.metrics());
  });
  if (o.openapi) {
    const doc = o.openapi;
    app.get('/openapi.json', (_req, res) => {
      res.json(doc);
    });
  }
  return app;
}

const MANAGEMENT = 'kubevision.management';
const IN_FLIGHT = 'kubevision.inFlight';

/** Route handlers (handle()) still running: a client that went away does not stop one. */
class InFlight {
  private n = 0;
  private waiters: (() => void)[] = [];
  begin(): void {
    this.n++;
  }
  end(): void {
    if (--this.n === 0) for (const w of this.waiters.splice(0)) w();
  }
  idle(): Promise<void> {
    return this.n === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * Resolves when no handler of an app made by baseApp is running: a server's
 * close waits for this before it closes its database, or a handler still running (its
 * client gone at a timeout) would fail on a closed store.
 */
export function requestsAnswered(app: Express): Promise<void> {
  return (app.locals[IN_FLIGHT] as InFlight).idle();
}
/** The probes and metrics of an app made with a managementPort, and that port. */
interface Management {
  app: Express;
  port: number;
}

export interface ListenOptions {
  port: number;
  host: string;
  headersTimeoutSeconds: number;
  requestTimeoutSeconds: number;
  connectionsPerClient: number;
}

/**
 * Listens with the bounds a terminal needs: headers within headersTimeoutSeconds, the
 * whole request within requestTimeoutSeconds (Node checks once a second here, not its
 * default 30), and at most connectionsPerClient open connections per client address;
 * the proxies baseApp trusts (TRUSTED_PROXIES) carry many clients and are not bounded.
 * An app made with a managementPort listens there too, with the same bounds, and stops
 * there when the returned server closes.
 */
export async function listen(app: Express, o: ListenOptions): Promise<Server> {
  const server = await listenBounded(app, o.port, o);
  const management = app.locals[MANAGEMENT] as Management | undefined;
  if (management) {
    const probes = await listenBounded(management.app, management.port, o, app);
    server.once('close', () => void closeServer(probes));
  }
  return server;
}

async function listenBounded(handler: Express, port: number, o: ListenOptions, trustOf: Express = handler): Promise<Server> {
  const server = createServer(
    { headersTimeout: o.headersTimeoutSeconds * 1000, requestTimeout: o.requestTimeoutSeconds * 1000, connectionsCheckingInterval: 1000 },
    handler,
  );
  const trusted = trustOf.get('trust proxy fn') as (addr: string, hop: number) => boolean;
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const peer = socket.remoteAddress ?? '';
    if (trusted(peer, 0)) return;
    const n = (open.get(peer) ?? 0) + 1;
    if (n > o.connectionsPerClient) {
      socket.destroy();
      return;
    }
    open.set(peer, n);
    socket.once('close', () => {
      const left = (open.get(peer) ?? 1) - 1;
      if (left <= 0) open.delete(peer);
      else open.set(peer, left);
    });
  });
  server.listen(port, o.host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return server;
}

/** Stops a listener and its idle connections. */
const closeServer = (server: Server | undefined) =>
  new Promise<void>((resolve) => {
    if (!server) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });

/**
 * An async route handler that records its route for metrics and logs: after an error
 * Express has already left the router, and req.baseUrl no longer says where it was.
 */
export function handle(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return async (req, res) => {
    res.locals.route = `${req.baseUrl}${String(req.route?.path ?? '')}`;
    // Path parameters arrive percent-decoded: %00 is a NUL by now (invalid UTF-8 already failed decoding).
    for (const [name, value] of Object.entries(req.params ?? {})) {
      const problem = typeof value === 'string' ? textProblem(value) : undefined;
      if (problem) throw new HttpError(400, 'invalid_field', `${name}: ${problem}`, { field: name });
    }
    const inFlight = req.app.locals[IN_FLIGHT] as InFlight | undefined;
    inFlight?.begin();
    try {
      await fn(req, res);
    } finally {
      inFlight?.end();
    }
  };
}

/** 404 for unknown routes and one JSON error shape for everything that fails. */
export function finishApp(app: Express, log: Logger): void {
  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`)));
  const handler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    const e = toHttpError(err);
    // A refusal the service chose (503 busy) with its code; anything else that failed is an error with its stack.
    if (e.status >= 500 && err instanceof HttpError) log.warn({ code: e.code, status: e.status, path: req.path }, e.message);
    else if (e.status >= 500) log.error({ err, path: req.path }, 'request failed');
    for (const [k, v] of Object.entries(e.headers)) res.setHeader(k, v);
    if (!req.complete) {
      // Refused before the body was read (a 413 on its declared length, a 401 before
      // parsing): read and drop the rest, and keep the connection. Closing it on unread
      // data sends a TCP reset, which can destroy the answer before the client (the
      // dashboard's gateway, on a reused connection) reads it.
      req.resume();
    }
    res.status(e.status).json({ error: { code: e.code, message: e.message, ...e.details } });
  };
  app.use(handler);
}

function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof StoreUnavailableError) {
    return new HttpError(503, 'database_unavailable', 'the database is unavailable; try again shortly', {}, { 'retry-after': '2' });
  }
  if (err instanceof InvalidTextError) return new HttpError(400, 'invalid_text', 'a value holds characters that cannot be stored (a NUL or an unpaired surrogate)');
  const e = err as { type?: string; status?: number; limit?: number; message?: string };
  if (e.type === 'entity.too.large') return new HttpError(413, 'payload_too_large', `request body over ${e.limit} bytes`);
  if (e.type === 'entity.parse.failed') return new HttpError(400, 'invalid_json', 'request body is not valid JSON');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') return new HttpError(415, 'unsupported_encoding', e.message ?? 'unsupported encoding');
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return new HttpError(e.status, 'bad_request', e.message ?? 'bad request');
  return new HttpError(500, 'internal', 'internal error');
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Service-to-service calls carry `Authorization: Bearer <token>`. Compared in constant
 * time (over digests, so length does not leak either).
 */
export function requireServiceToken(token: string): RequestHandler {
  const expected = digest(token);
  return (req, _res, next) => {
    const m = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
    if (!m || !timingSafeEqual(digest(m[1]!), expected)) {
      next(new HttpError(401, 'unauthorized', 'missing or wrong service credential', {}, { 'www-authenticate': 'Bearer' }));
      return;
    }
    next();
  };
}
