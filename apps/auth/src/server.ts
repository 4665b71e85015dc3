import type { Express, RequestHandler } from 'express';
import { baseApp, finishApp } from '../../shared/http.ts';
import { databaseCheck, serve, type Service } from '../../shared/lifecycle.ts';
import { createLogger, type Logger } from '../../shared/log.ts';
import { lazyStore } from '../../shared/store/lazy.ts';
import type { AuthConfig } from './config.ts';
import { FaceClient } from './face-client.ts';
import { PlantAdmin } from './admin.ts';
import { createAuthMetrics } from './metrics.ts';
import { openapi } from './openapi.ts';
import { PasswordHasher } from './passwords.ts';
import { authRoutes } from './routes.ts';
import { AuthService } from './service.ts';
import { cookieJar, sessionLoader } from './session.ts';
import { AuthStore } from './store.ts';

export interface AuthServer extends Service {
  service: AuthService;
  /** What it serves: tests compare the OpenAPI document with the routes registered here. */
  app: Express;
}

export interface AuthServerOptions {
  log?: Logger;
  namespace?: string;
  /** Milliseconds since the epoch; tests move it to check waits and expiry. */
  clock?: () => number;
}

/** Answers from the API are personal: never cached, never framed, never sniffed. */
const apiHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
  next();
};

export function createAuthServer(cfg: AuthConfig, opts: AuthServerOptions = {}): AuthServer {
  const log = opts.log ?? createLogger('auth');
  const clock = opts.clock ?? Date.now;
  const metrics = createAuthMetrics();
  const store = lazyStore(cfg.mongodbUri ?? cfg.databaseUrl, { dataDir: cfg.dataDir, namespace: opts.namespace, log }, AuthStore.open);
  const hasher = new PasswordHasher(
    { logN: cfg.scryptLogN, r: 8, p: 1 },
    { queueMax: cfg.hashQueueMax, concurrency: cfg.hashConcurrency, maxWaitMs: cfg.hashMaxWaitMs, onHash: (s) => metrics.hashSeconds.observe(s) },
  );
  const face = new FaceClient(cfg.faceServiceUrl, cfg.faceServiceToken, cfg.faceTimeoutMs, log);
  const service = new AuthService(cfg, store.data, hasher, face, metrics, log, clock);
  const admin = new PlantAdmin(cfg, store.data, service, hasher, face, clock);
  const jar = cookieJar(cfg);

  const app = baseApp({
    log,
    trustedProxies: cfg.trustedProxies,
    managementPort: cfg.managementPort,
    metrics,
    // Ready when the database answers. The face service is not a condition: without it,
    // password-only accounts must still log in.
    readiness: { database: databaseCheck(store) },
    openapi,
  });
  app.use('/api', apiHeaders, sessionLoader(jar, async () => (await store.data()).sessions, cfg, clock), authRoutes(service, jar, admin));
  finishApp(app, log);

  let hashMs = 0;
  const lifecycle = serve(app, cfg, log, 'auth service', {
    // Before the port opens: the first burst of logins is admitted against a measured cost.
    beforeListen: async () => {
      hashMs = Math.round(await hasher.calibrate());
    },
    // Open the database now if it is there; if not, the service starts unready and retries.
    afterListen: async () => {
      await store.ping().catch(() => undefined);
    },
    describe: () => ({ cookieSecure: cfg.cookieSecure, scryptLogN: cfg.scryptLogN, hashMs, hashConcurrency: cfg.hashConcurrency }),
    // Those waiting for a hash get 503 now; running handlers finish (also those whose
    // client is gone) before the database closes under them.
    stopping: () => hasher.close(),
    endConnectionsAfterHandlers: true,
    release: () => store.close(),
  });
  return { service, app, start: lifecycle.start, close: lifecycle.close };
}
