import { chmodSync, mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export type Row = Record<string, unknown>;

export interface SqlQueryable {
  query<R = Row>(sql: string, params?: unknown[]): Promise<R[]>;
}

/** The little the SQL store needs, so that PGlite and a server run the same statements. */
export interface SqlClient extends SqlQueryable {
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  '57P01', // admin shutdown
  '57P02', // crash shutdown
  '57P03', // cannot connect now (starting up, recovery)
  '53300', // too many connections
  '40001', // serialization failure: transient, the caller may retry
  '40P01', // deadlock: idem
]);
// Errors pg and PGlite raise with no code.
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|connection error|Cannot use a pool after calling end|PGlite is closed|Client was closed/i;

/** Whether `err` means the database is unreachable or failed transiently (answer 503). */
export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  // Node reports a refused dual-stack connect as an AggregateError of per-address errors.
  if (err instanceof AggregateError && err.errors.some(isUnavailable)) return true;
  return UNAVAILABLE_MESSAGES.test(err.message);
}

/** A PostgreSQL server through a pg Pool that fails fast while it is down and reconnects when it is back. */
export function pgPoolClient(connectionString: string): SqlClient {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: 2_000,
    query_timeout: 15_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    allowExitOnIdle: true,
  });
  // An idle client lost to a server restart: the pool has already dropped it; without a
  // listener the 'error' event would crash the process.
  pool.on('error', () => {});

  // Unlike pool.query, keeps the connection after ordinary SQL errors (duplicate keys) and
  // only drops it when it is broken.
  const withClient = async <T>(fn: (client: pg.PoolClient, broken: () => void) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let isBroken = false;
    const onError = () => (isBroken = true); // a checked-out client has no other listener
    client.on('error', onError);
    try {
      return await fn(client, () => (isBroken = true));
    } catch (err) {
      if (isUnavailable(err)) isBroken = true;
      throw err;
    } finally {
      client.off('error', onError);
      client.release(isBroken);
    }
  };
  const rows = async <R>(client: pg.PoolClient, sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[];

  return {
    query: (sql, params) => withClient((client) => rows(client, sql, params)),
    transaction: (fn) =>
      withClient(async (client, broken) => {
        await client.query('BEGIN');
        try {
          const result = await fn({ query: (sql, params) => rows(client, sql, params) });
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(broken);
          throw err;
        }
      }),
    close: () => pool.end(),
  };
}

/**
 * A folder only its owner may enter (0700), made if missing and tightened if it was not:
 * the embedded databases hold password hashes and face templates.
 */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Embedded PostgreSQL (WASM): in memory, or persisted in `dataDir`. One process per data dir. */
export async function pgliteClient(dataDir?: string): Promise<SqlClient> {
  if (dataDir) privateDir(dataDir);
  const db = await PGlite.create(dataDir);
  return {
    query: async <R>(sql: string, params?: unknown[]) => (await db.query<R>(sql, params)).rows,
    transaction: (fn) => db.transaction((tx) => fn({ query: async <R>(sql: string, params?: unknown[]) => (await tx.query<R>(sql, params)).rows })),
    close: () => db.close(),
  };
}
