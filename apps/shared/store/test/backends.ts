/**
 * What the store tests share: the backends the contract runs against (PGlite in memory, the
 * PostgreSQL server of the test machines, MongoDB when MONGODB_URI names one), and the
 * documents they store.
 */
import { randomBytes } from 'node:crypto';
import { TEST_PG_URL, dropPgSchema } from '../../../../test/support/postgres.ts';
import { type Doc, type MaintainedStore, MongoStore, describeStore, openStore } from '../index.ts';

export const PG_URL = TEST_PG_URL;
export const MONGODB_URI = process.env.MONGODB_URI;
const PG_START = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';

export const uniqueNamespace = () => `kv_test_${randomBytes(5).toString('hex')}`;

export interface Backend {
  name: string;
  /** A store on a fresh or the given namespace; the same namespace means the same database. */
  open(namespace: string): Promise<MaintainedStore>;
  /** Whether two open() calls with one namespace reach the same data (not PGlite in memory). */
  shared: boolean;
  drop(namespace: string): Promise<void>;
  /** Fails the suite with what to do when the database does not answer. */
  check(store: MaintainedStore): Promise<void>;
}

/** The PostgreSQL server is part of this project's test machines: its absence is a failure, not a skip. */
export async function requireAnswer(store: MaintainedStore, url: string, hint = ''): Promise<void> {
  try {
    await store.ping();
  } catch (err) {
    await store.close();
    throw new Error(`${store.kind} at ${describeStore(url)} does not answer${hint}`, { cause: err });
  }
}
export const PG_HINT = `; this project's tests need it: start it with \`${PG_START}\``;

export const backends: Backend[] = [
  {
    name: 'pglite (memory)',
    open: (namespace) => openStore('pglite:memory', { namespace }),
    shared: false,
    drop: async () => {},
    check: (store) => requireAnswer(store, 'pglite:memory'),
  },
  {
    name: 'postgres server',
    open: (namespace) => openStore(PG_URL, { namespace }),
    shared: true,
    drop: dropPgSchema,
    check: (store) => requireAnswer(store, PG_URL, PG_HINT),
  },
];
if (MONGODB_URI) {
  backends.push({
    name: 'mongodb',
    open: (namespace) => openStore(MONGODB_URI, { namespace }),
    shared: true,
    drop: async (namespace) => {
      const store = new MongoStore(MONGODB_URI, { namespace });
      await store.db.dropDatabase().finally(() => store.close());
    },
    check: (store) => requireAnswer(store, MONGODB_URI),
  });
}

export interface Item extends Doc {
  name: string;
  n: number;
  flag: boolean;
  at: string;
  note?: string;
}
export interface User extends Doc {
  email: string;
  plant: string;
  login: string;
}
export interface Counter extends Doc {
  hits: number;
  fails?: number;
  kind?: string;
}
export interface Session extends Doc {
  user: string;
  expiresAt: string;
}

export const item = (id: string, n: number, flag: boolean, at: string, name = `item-${id}`): Item => ({ id, name, n, flag, at });
export const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
export const ids = (docs: Doc[]) => docs.map((d) => d.id);
