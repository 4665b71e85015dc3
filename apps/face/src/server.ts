import type { Express } from 'express';
import { baseApp, finishApp, requireServiceToken } from '../../shared/http.ts';
import { databaseCheck, serve, type Service } from '../../shared/lifecycle.ts';
import { createLogger, type Logger } from '../../shared/log.ts';
import { lazyStore } from '../../shared/store/lazy.ts';
import { thresholdOf, type FaceConfig } from './config.ts';
import { createFaceMetrics } from './metrics.ts';
import { openapi } from './openapi.ts';
import { InferencePool } from './pool/pool.ts';
import { faceRoutes } from './routes.ts';
import { FaceService } from './service.ts';
import { FaceStore } from './store.ts';
import { modelId } from './engine/models.ts';

export interface FaceServer extends Service {
  /** Listens, then loads the models; start resolves when ready to analyse. */
  pool: InferencePool;
  /** What it serves: tests compare the OpenAPI document with the routes registered here. */
  app: Express;
}

export function createFaceServer(cfg: FaceConfig, opts: { log?: Logger; namespace?: string } = {}): FaceServer {
  const log = opts.log ?? createLogger('face');
  const metrics = createFaceMetrics();
  const pool = new InferencePool({
    size: cfg.workers,
    queueMax: cfg.queueMax,
    init: { backend: cfg.backend, model: cfg.model, limits: { maxPixels: cfg.maxPixels, analysisSide: cfg.analysisSide, minSide: 64 } },
    log,
    onQueueChange: (d) => metrics.queueDepth.set(d),
    onWait: (s) => metrics.queueWait.observe(s),
  });
  const store = lazyStore(cfg.mongodbUri ?? cfg.databaseUrl, { dataDir: cfg.dataDir, namespace: opts.namespace, log }, (db) => FaceStore.open(db, modelId(cfg.model)));
  const service = new FaceService(cfg, pool, store.data, metrics);

  const app = baseApp({
    log,
    trustedProxies: cfg.trustedProxies,
    managementPort: cfg.managementPort,
    metrics,
    readiness: { models: () => (pool.ready ? 'ok' : 'loading'), database: databaseCheck(store) },
    openapi,
  });
  app.use('/v1', requireServiceToken(cfg.token), faceRoutes(cfg, service, store.data));
  finishApp(app, log);

  const lifecycle = serve(app, cfg, log, 'face service', {
    // Models that cannot load make the service useless: serve closes the port again.
    afterListen: () => pool.start(),
    abandon: () => pool.close(),
    describe: () => ({ backend: cfg.backend, model: cfg.model, threshold: thresholdOf(cfg), workers: cfg.workers, loadMs: Math.round(pool.loadMs) }),
    release: async () => {
      await pool.close();
      await store.close();
    },
  });
  return { pool, app, start: lifecycle.start, close: lifecycle.close };
}
