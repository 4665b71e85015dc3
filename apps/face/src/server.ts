import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { baseApp, finishApp, listen, requireServiceToken } from '../../shared/http.ts';
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

export interface FaceServer {
  /** Listens, then loads the models; resolves when ready to analyse. */
  start(): Promise<{ url: string }>;
  close(): Promise<void>;
  pool: InferencePool;
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
    readiness: async () => {
      const models = pool.ready ? 'ok' : 'loading';
      const database = await store.ping().then(
        () => 'ok',
        () => 'unavailable',
      );
      return { ready: models === 'ok' && database === 'ok', checks: { models, database } };
    },
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use('/v1', requireServiceToken(cfg.token), faceRoutes(cfg, service, store.data));
  finishApp(app, log);

  let server: Server | undefined;
  return {
    pool,
    async start() {
      server = await listen(app, cfg);
      const { port } = server.address() as AddressInfo;
      try {
        await pool.start();
      } catch (e) {
        // Models that cannot load make the service useless: do not leave the port open.
        await new Promise<void>((resolve) => server!.close(() => resolve()));
        await pool.close();
        throw e;
      }
      log.info({ port, backend: cfg.backend, model: cfg.model, threshold: thresholdOf(cfg), workers: cfg.workers, loadMs: Math.round(pool.loadMs) }, 'face service ready');
      return { url: `http://${cfg.host === '0.0.0.0' ? '127.0.0.1' : cfg.host}:${port}` };
    },
    async close() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await pool.close();
      await store.close();
    },
  };
}
