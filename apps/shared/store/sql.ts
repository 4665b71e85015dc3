/**
 * The store on PostgreSQL (a server or embedded PGlite). One table per collection,
 * `(id text primary key, doc jsonb not null)`, in the schema named by `namespace`.
 *
 * Fields are compared and sorted as jsonb (`doc->'field'`), never as text: numbers then
 * match and sort numerically (2 < 10), booleans and strings keep their types, and
 * indexes are expression indexes on the same `(doc->'field')` so lookups use them.
 */
import {
  type MaintainedStore,
  checkCollectionName,
  checkField,
  checkIncrements,
  checkLimit,
  checkSpec,
  cleanFields,
  checkFindOptions,
  filterEntries,
  indexName,
  prepareDoc,
} from './common.ts';
import { type SqlClient, type SqlQueryable, isUnavailable } from './sql-clients.ts';
import {
  type Collection,
  type CollectionSpec,
  type Doc,
  type Filter,
  type FindOptions,
  DuplicateKeyError,
  InvalidTextError,
  StoreUnavailableError,
} from './types.ts';

export { type SqlClient, type SqlQueryable, isUnavailable, pgPoolClient, pgliteClient } from './sql-clients.ts';

export interface SqlStoreOptions {
  /** PostgreSQL schema holding the tables (created when missing); default `public`. */
  namespace?: string;
  /** How often expired documents are deleted; default 60 s. */
  sweepIntervalMs?: number;
}

export class SqlStore implements MaintainedStore {
  readonly schema: string;
  private readonly expiring = new Map<string, SqlCollection<Doc>>();
  private readonly timer: NodeJS.Timeout;
  private closing: Promise<void> | undefined;

  constructor(
    readonly kind: 'pglite' | 'postgres',
    private readonly db: SqlClient,
    opts: SqlStoreOptions = {},
  ) {
    this.schema = checkCollectionName(opts.namespace ?? 'public', 'namespace');
    // Readers already ignore expired rows; the sweep only reclaims space, so its
    // failures (database down) are left to the next round.
    this.timer = setInterval(() => void this.sweepExpired().catch(() => {}), opts.sweepIntervalMs ?? 60_000);
    this.timer.unref();
  }

  async collection<T extends Doc>(spec: CollectionSpec): Promise<Collection<T>> {
    checkSpec(spec);
    const collection = new SqlCollection<T>(this.db, spec, `"${this.schema}"."${spec.name}"`);
    try {
      await this.ensure(spec, collection.table);
    } catch (err) {
      throw mapError(err, spec.name);
    }
    if (spec.expiresAt) this.expiring.set(spec.name, collection as unknown as SqlCollection<Doc>);
    return collection;
  }

  async ping(): Promise<void> {
    try {
      await this.db.query('SELECT 1');
    } catch (err) {
      throw new StoreUnavailableError(`${this.kind} does not answer: ${(err as Error).message}`, { cause: err });
    }
  }

  async sweepExpired(): Promise<number> {
    let removed = 0;
    for (const collection of this.expiring.values()) removed += await collection.sweep();
    return removed;
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    this.closing ??= this.db.close();
    return this.closing;
  }

  private async ensure(spec: CollectionSpec, table: string): Promise<void> {
    const ddl = [`CREATE TABLE IF NOT EXISTS ${table} (id text PRIMARY KEY, doc jsonb NOT NULL)`];
    for (const index of spec.indexes ?? []) {
      const columns = index.fields.map((f) => `(doc->'${f}')`).join(', ');
      ddl.push(`CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS "${indexName(spec.name, index)}" ON ${table} (${columns})`);
    }
    if (spec.expiresAt) {
      ddl.push(`CREATE INDEX IF NOT EXISTS "${indexName(spec.name, { fields: [spec.expiresAt] }, 'ttl')}" ON ${table} (${expiryText(spec.expiresAt)})`);
    }
    const run = () =>
      this.db.transaction(async (tx) => {
        // Replicas starting together queue here instead of racing in the catalogs.
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`kubevision-store:${this.schema}`]);
        const [exists] = await tx.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.schema]);
        // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when it exists.
        if (!exists) await tx.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
        for (const statement of ddl) await tx.query(statement);
      });
    try {
      await run();
    } catch (err) {
      // A creator that does not take the lock (an older version) can still race once.
      const code = (err as { code?: string }).code;
      if (code !== '23505' && code !== '42P07' && code !== '42710') throw err;
      await run();
    }
  }
}

/** Expiry times are stored normalised (toISOString), so text order in "C" collation is time order. */
const expiryText = (field: string, doc = 'doc') => `((${doc}->>'${field}') COLLATE "C")`;

/** Numbered placeholders for one statement. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

class SqlCollection<T extends Doc> implements Collection<T> {
  private readonly name: string;
  private readonly expiresAt: string | undefined;
  private readonly uniques: string[][];

  constructor(
    private readonly db: SqlClient,
    spec: CollectionSpec,
    readonly table: string,
  ) {
    this.name = spec.name;
    this.expiresAt = spec.expiresAt;
    this.uniques = (spec.indexes ?? []).filter((i) => i.unique).map((i) => i.fields);
  }

  insert(doc: T): Promise<void> {
    return this.insertMany([doc]);
  }

  async insertMany(docs: T[]): Promise<void> {
    if (docs.length === 0) return;
    const batch = JSON.stringify(docs.map((d) => prepareDoc(d, this.expiresAt)));
    const insert = (db: SqlQueryable) =>
      db.query(`INSERT INTO ${this.table} (id, doc) SELECT n->>'id', n FROM jsonb_array_elements($1::jsonb) AS n`, [batch]);
    await this.run(async () => {
      // One statement is all or nothing by itself; the transaction covers the purge too.
      if (!this.expiresAt) return void (await insert(this.db));
      await this.db.transaction(async (tx) => {
        await this.purgeExpiredConflicts(tx, batch);
        await insert(tx);
      });
    });
  }

  async get(id: string): Promise<T | null> {
    const p = new Params();
    const rows = await this.run(() => this.db.query<{ doc: T }>(`SELECT doc FROM ${this.table} WHERE id = ${p.add(id)} AND ${this.visible(p)}`, p.values));
    return rows[0]?.doc ?? null;
  }

  async find(filter: Filter<T>, opts: FindOptions<T> = {}): Promise<T[]> {
    checkLimit(opts.limit);
    checkFindOptions(opts);
    const p = new Params();
    let sql = `SELECT doc FROM ${this.table} WHERE ${this.where(filter, p)}`;
    if (opts.contains && opts.contains.text !== '') {
      // strpos, not LIKE: the text needs no escaping of % and _.
      const text = p.add(opts.contains.text.toLowerCase());
      sql += ` AND (${opts.contains.fields.map((f) => `strpos(lower(coalesce(doc->>'${f}', '')), ${text}) > 0`).join(' OR ')})`;
    }
    if (opts.after !== undefined && opts.sort) {
      // A cursor compares and orders as text by code point ("C"), as MongoDB compares strings.
      const column = opts.sort.field === 'id' ? 'id COLLATE "C"' : `((doc->>'${checkField(opts.sort.field)}') COLLATE "C")`;
      sql += ` AND ${column} ${opts.sort.order === 'desc' ? '<' : '>'} ${p.add(opts.after)}`;
      sql += ` ORDER BY ${column} ${opts.sort.order === 'desc' ? 'DESC' : 'ASC'}, id`;
    } else if (opts.sort) {
      const column = opts.sort.field === 'id' ? 'id' : `(doc->'${checkField(opts.sort.field)}')`;
      // Missing fields first in ascending order, as MongoDB does.
      sql += opts.sort.order === 'desc' ? ` ORDER BY ${column} DESC NULLS LAST, id` : ` ORDER BY ${column} ASC NULLS FIRST, id`;
    }
    if (opts.limit !== undefined) sql += ` LIMIT ${p.add(opts.limit)}`;
    const rows = await this.run(() => this.db.query<{ doc: T }>(sql, p.values));
    return rows.map((r) => r.doc);
  }

  async count(filter: Filter<T>): Promise<number> {
    const p = new Params();
    const rows = await this.run(() => this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${this.table} WHERE ${this.where(filter, p)}`, p.values));
    return rows[0]?.n ?? 0;
  }

  async update(id: string, patch: Partial<Omit<T, 'id'>>): Promise<T | null> {
    const fields = cleanFields(patch, this.expiresAt);
    if (Object.keys(fields).length === 0) return this.get(id);
    const p = new Params();
    const sql = `UPDATE ${this.table} SET doc = doc || ${p.add(JSON.stringify(fields))}::jsonb WHERE id = ${p.add(id)} AND ${this.visible(p)} RETURNING doc`;
    const rows = await this.run(() => this.db.query<{ doc: T }>(sql, p.values));
    return rows[0]?.doc ?? null;
  }

  async updateIf(id: string, expected: Filter<T>, patch: Partial<Omit<T, 'id'>>): Promise<T | null> {
    const fields = cleanFields(patch, this.expiresAt);
    if (Object.keys(fields).length === 0) throw new TypeError('updateIf needs a field to set');
    const p = new Params();
    // Under READ COMMITTED, a concurrent UPDATE of the row makes this one re-check its
    // WHERE against the new version: the loser of a race matches nothing.
    const sql = `UPDATE ${this.table} SET doc = doc || ${p.add(JSON.stringify(fields))}::jsonb WHERE id = ${p.add(id)} AND ${this.where(expected, p)} RETURNING doc`;
    const rows = await this.run(() => this.db.query<{ doc: T }>(sql, p.values));
    return rows[0]?.doc ?? null;
  }

  async increment(id: string, inc: Partial<Record<keyof T & string, number>>, set: Partial<Omit<T, 'id'>> = {}): Promise<T> {
    const increments = Object.fromEntries(checkIncrements(inc));
    const fields = cleanFields(set, this.expiresAt);
    if (Object.keys(increments).length + Object.keys(fields).length === 0) throw new TypeError('increment needs a field to add to or to set');
    const p = new Params();
    const created = p.add(JSON.stringify({ ...fields, ...increments, id }));
    // The new values are computed from the row under its lock, in one statement: no lost updates.
    const added = `(SELECT coalesce(jsonb_object_agg(k, coalesce((t.doc->>k)::float8, 0) + v::float8), '{}'::jsonb)
      FROM jsonb_each_text(${p.add(JSON.stringify(increments))}::jsonb) AS e(k, v))`;
    let merged = `t.doc || ${p.add(JSON.stringify(fields))}::jsonb || ${added}`;
    // An expired row no longer exists for readers: start over from `set` + `inc`.
    if (this.expiresAt) merged = `CASE WHEN ${this.visible(p, 't.doc')} THEN ${merged} ELSE EXCLUDED.doc END`;
    const sql = `INSERT INTO ${this.table} AS t (id, doc) VALUES (${p.add(id)}, ${created}::jsonb)
      ON CONFLICT (id) DO UPDATE SET doc = ${merged} RETURNING doc`;
    const rows = await this.run(() => this.db.query<{ doc: T }>(sql, p.values));
    return rows[0]!.doc;
  }

  async delete(id: string): Promise<boolean> {
    const p = new Params();
    const rows = await this.run(() => this.db.query(`DELETE FROM ${this.table} WHERE id = ${p.add(id)} AND ${this.visible(p)} RETURNING id`, p.values));
    return rows.length > 0;
  }

  async deleteMany(filter: Filter<T>): Promise<number> {
    const p = new Params();
    const sql = `WITH d AS (DELETE FROM ${this.table} WHERE ${this.where(filter, p)} RETURNING 1) SELECT count(*)::int AS n FROM d`;
    const rows = await this.run(() => this.db.query<{ n: number }>(sql, p.values));
    return rows[0]?.n ?? 0;
  }

  async sweep(): Promise<number> {
    if (!this.expiresAt) return 0;
    const sql = `WITH d AS (DELETE FROM ${this.table} WHERE ${expiryText(this.expiresAt)} <= $1 RETURNING 1) SELECT count(*)::int AS n FROM d`;
    const rows = await this.run(() => this.db.query<{ n: number }>(sql, [new Date().toISOString()]));
    return rows[0]?.n ?? 0;
  }

  /** Expired rows still holding an id or unique value of `batch` would make the insert fail. */
  private async purgeExpiredConflicts(tx: SqlQueryable, batch: string): Promise<void> {
    const clashes = ["n->>'id' = t.id", ...this.uniques.map((fields) => `(${fields.map((f) => `t.doc->'${f}' = n->'${f}'`).join(' AND ')})`)];
    await tx.query(
      `DELETE FROM ${this.table} AS t WHERE ${expiryText(this.expiresAt!, 't.doc')} <= $2
        AND EXISTS (SELECT 1 FROM jsonb_array_elements($1::jsonb) AS n WHERE ${clashes.join(' OR ')})`,
      [batch, new Date().toISOString()],
    );
  }

  private where(filter: Filter<T>, p: Params): string {
    const conditions = filterEntries(filter).map(([field, value]) =>
      field === 'id' ? `id = ${p.add(String(value))}` : `doc->'${field}' = ${p.add(JSON.stringify(value))}::jsonb`,
    );
    conditions.push(this.visible(p));
    return conditions.join(' AND ');
  }

  /** The expiry time is checked against this process's clock, as the MongoDB store does. */
  private visible(p: Params, doc = 'doc'): string {
    if (!this.expiresAt) return 'true';
    const expiry = expiryText(this.expiresAt, doc);
    return `(${expiry} IS NULL OR ${expiry} > ${p.add(new Date().toISOString())})`;
  }

  private async run<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (err) {
      throw mapError(err, this.name, this.uniques);
    }
  }
}

function mapError(err: unknown, collection: string, uniques: string[][] = []): unknown {
  if (isUnavailable(err)) return new StoreUnavailableError(`${collection}: database unavailable: ${(err as Error).message}`, { cause: err });
  const { code, constraint } = err as { code?: string; constraint?: string };
  if (code === '22P05' || code === '22P02' || code === '22021') return new InvalidTextError(collection, code);
  if (code !== '23505') return err;
  if (constraint === `${collection}_pkey`) return new DuplicateKeyError(collection, 'id');
  const fields = uniques.find((f) => indexName(collection, { fields: f, unique: true }) === constraint);
  return new DuplicateKeyError(collection, fields?.join(', ') ?? constraint ?? 'unique index');
}
