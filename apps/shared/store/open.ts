import { isAbsolute } from 'node:path';
import type { MaintainedStore } from './common.ts';
import { MongoStore } from './mongo.ts';
import { SqlStore, pgPoolClient, pgliteClient } from './sql.ts';

export interface OpenStoreOptions {
  /** Isolates one user of a shared database: the PostgreSQL schema, or the MongoDB database. */
  namespace?: string;
  /** Where embedded PGlite keeps its data when no URL is given. */
  dataDir?: string;
}

/**
 * Opens the store a URL names:
 * - `postgres://…` / `postgresql://…`: a PostgreSQL server;
 * - `mongodb://…` / `mongodb+srv://…`: MongoDB;
 * - `pglite:///absolute/dir` or `pglite:memory`: embedded PGlite;
 * - no URL: embedded PGlite in `opts.dataDir`.
 * Servers are not contacted here, so a service starts while its database is down; use ping().
 */
export async function openStore(url: string | undefined, opts: OpenStoreOptions = {}): Promise<MaintainedStore> {
  const { namespace } = opts;
  if (url === undefined || url === '') {
    if (!opts.dataDir) throw new Error('openStore: no database URL and no dataDir for the embedded PGlite store');
    return new SqlStore('pglite', await pgliteClient(opts.dataDir), { namespace });
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'postgres':
    case 'postgresql':
      return new SqlStore('postgres', pgPoolClient(url), { namespace });
    case 'mongodb':
    case 'mongodb+srv':
      return new MongoStore(url, { namespace });
    case 'pglite':
      return new SqlStore('pglite', await pgliteClient(pgliteDir(url)), { namespace });
    default:
      throw new Error(
        `openStore: unsupported database URL ${describeStore(url)}: expected postgres://, postgresql://, mongodb://, mongodb+srv://, pglite:///dir or pglite:memory`,
      );
  }
}

/** `pglite:memory` -> undefined (in memory); `pglite:///abs/dir` -> `/abs/dir`. */
function pgliteDir(url: string): string | undefined {
  if (url === 'pglite:memory') return undefined;
  const path = url.startsWith('pglite://') ? decodeURIComponent(url.slice('pglite://'.length)) : '';
  if (!isAbsolute(path)) throw new Error(`openStore: ${url}: expected pglite:///absolute/dir or pglite:memory`);
  return path;
}

/** The URL without its password (and password query parameters), for logs and errors. */
export function describeStore(url: string | undefined): string {
  if (!url) return 'pglite (data dir)';
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@')
    .replace(/([?&](?:password|pass|pwd)=)[^&]*/gi, '$1***');
}
