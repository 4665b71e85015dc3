import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { baseApp, finishApp, listen } from '../../shared/http.ts';
import { createLogger, type Logger } from '../../shared/log.ts';
import { createMetrics } from '../../shared/metrics.ts';
import { loadAssets, PUBLIC_DIR, type Assets } from './assets.ts';
import type { FrontendConfig } from './config.ts';
import { securityHeaders } from './headers.ts';
import { apiProxy } from './proxy.ts';
import { dashboardRoutes } from './routes.ts';

export interface FrontendServer {
  /** Prepares the assets, then listens. */
  start(): Promise<{ url: string }>;
  close(): Promise<void>;
}

/** How long the auth service may take to say it is ready. */
const READINESS_TIMEOUT_MS = 2000;
/** Requests still running at close get this long before their connections are cut. */
const CLOSE_GRACE_MS = 5000;

export interface FrontendServerOptions {
  log?: Logger;
  /** Where the dashboard's files are (default: apps/frontend/public). */
  publicDir?: string;
}

export function createFrontendServer(cfg: FrontendConfig, opts: FrontendServerOptions = {}): FrontendServer {
  const log = opts.log ?? createLogger('frontend');
  let assets: Assets | undefined;

  const app = baseApp({
    log,
    trustedProxies: cfg.trustedProxies,
    managementPort: cfg.managementPort,
    metrics: createMetrics('frontend'),
    readiness: {
      auth: () =>
        fetch(`${cfg.authServiceUrl}/readyz`, { signal: AbortSignal.timeout(READINESS_TIMEOUT_MS) }).then(
          async (r) => {
            await r.body?.cancel();
            return r.ok ? 'ok' : `not ready (${r.status})`;
          },
          () => 'unreachable',
        ),
      assets: () => (assets ? 'ok' : 'loading'),
    },
  });
  app.use(securityHeaders());
  const proxy = apiProxy(cfg.authServiceUrl, cfg.authTimeoutSeconds * 1000, log);
  app.use(proxy.handler);
  app.use(
    dashboardRoutes(() => {
      if (!assets) throw new Error('assets not loaded');
      return assets;
    }),
  );
  finishApp(app, log);

  let server: Server | undefined;
  return {
    async start() {
      assets = await loadAssets(opts.publicDir ?? PUBLIC_DIR, { plantName: cfg.plantName, help: cfg.help });
      server = await listen(app, cfg);
      const { port } = server.address() as AddressInfo;
      log.info({ port, auth: cfg.authServiceUrl, assets: assets.byUrl.size + 1 }, 'frontend ready');
      return { url: `http://${cfg.host === '0.0.0.0' ? '127.0.0.1' : cfg.host}:${port}` };
    },
    async close() {
      const s = server;
      if (s) {
        const cut = setTimeout(() => s.closeAllConnections(), CLOSE_GRACE_MS).unref();
        await new Promise<void>((resolve) => s.close(() => resolve()));
        clearTimeout(cut);
      }
      proxy.close();
    },
  };
}
