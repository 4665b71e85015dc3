import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { listen, requestsAnswered, type ListenOptions } from './http.ts';
import type { Logger } from './log.ts';

/**
 * A readiness check of a database behind a lazy store: pinging also opens it, so a
 * service that started before its database becomes ready once the database is there.
 */
export const databaseCheck =
  (store: { ping(): Promise<unknown> }) =>
  (): Promise<'ok' | 'unavailable'> =>
    store.ping().then(
      () => 'ok' as const,
      () => 'unavailable' as const,
    );

/** What one service does around opening and closing its port; every step is optional but `release`. */
export interface ServiceSteps {
  /** Before the port opens: work the first requests must not wait for. */
  beforeListen?: () => Promise<void>;
  /** After the port opens. When it fails, the port closes again, `abandon` runs and start fails with its error. */
  afterListen?: () => Promise<void>;
  abandon?: () => Promise<void>;
  /** The fields of the "ready" log line besides the port (called once the start steps ran). */
  describe: () => Record<string, unknown>;
  /** Once the port takes no new connections, while requests may still be running. */
  stopping?: () => Promise<void>;
  /**
   * Wait for the running handlers (requestsAnswered), then end the connections still
   * open instead of waiting for their clients to close them. Without it, close waits for
   * every connection, a request whose body is still arriving included.
   */
  endConnectionsAfterHandlers?: boolean;
  /** After the port closed: what the handlers used, the database last. */
  release: () => Promise<void>;
}

export interface Service {
  start(): Promise<{ url: string }>;
  close(): Promise<void>;
}

/** Starts and stops an app made by baseApp with a service's own steps in their places. */
export function serve(app: Express, cfg: ListenOptions, log: Logger, name: string, steps: ServiceSteps): Service {
  let server: Server | undefined;
  const closeListener = () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  return {
    async start() {
      await steps.beforeListen?.();
      server = await listen(app, cfg);
      const { port } = server.address() as AddressInfo;
      try {
        await steps.afterListen?.();
      } catch (e) {
        // A service that cannot do its work must not leave the port open.
        await closeListener();
        await steps.abandon?.();
        throw e;
      }
      log.info({ port, ...steps.describe() }, `${name} ready`);
      return { url: `http://${cfg.host === '0.0.0.0' ? '127.0.0.1' : cfg.host}:${port}` };
    },
    async close() {
      const closed = closeListener();
      await steps.stopping?.();
      if (steps.endConnectionsAfterHandlers) {
        await requestsAnswered(app);
        server?.closeAllConnections();
      }
      await closed;
      await steps.release();
    },
  };
}
