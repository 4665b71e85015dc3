import type { Logger } from '../log.ts';
import { openStore } from './open.ts';
import { StoreUnavailableError, type DocumentStore } from './types.ts';

/**
 * A service's data, opened on first use and again after a failure: the service starts
 * (and says "not ready") while its database is down, and recovers when it returns
 * without a restart.
 */
export function lazyStore<T>(
  url: string | undefined,
  opts: { dataDir: string; namespace?: string; log: Logger },
  open: (db: DocumentStore) => Promise<T>,
) {
  let opening: Promise<{ db: DocumentStore; data: T }> | null = null;
  const get = () => {
    opening ??= (async () => {
      const db = await openStore(url, { dataDir: opts.dataDir, namespace: opts.namespace });
      try {
        return { db, data: await open(db) };
      } catch (e) {
        await db.close().catch(() => undefined);
        throw e;
      }
    })().catch((e: unknown) => {
      opening = null;
      opts.log.warn({ err: e }, 'database not available');
      throw e instanceof StoreUnavailableError ? e : new StoreUnavailableError((e as Error).message, { cause: e });
    });
    return opening;
  };
  return {
    data: async (): Promise<T> => (await get()).data,
    ping: async () => (await get()).db.ping(),
    close: async () => {
      if (opening) await (await opening.catch(() => null))?.db.close();
    },
  };
}
