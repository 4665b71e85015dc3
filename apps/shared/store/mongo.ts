/**
 * The store on MongoDB (production). `_id` holds the id; the expiry field is a BSON Date so
 * that a TTL index removes expired documents, and is turned back into an ISO string on read.
 */
import {
  type Collection as MongoCollection,
  type Db,
  type Document,
  MongoBulkWriteError,
  MongoClient,
  MongoClientClosedError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
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
import {
  type Collection,
  type CollectionSpec,
  type Doc,
  type Filter,
  type FindOptions,
  DuplicateKeyError,
  StoreUnavailableError,
} from './types.ts';

/** Stored documents: ids are the callers' strings, not ObjectIds. */
interface MongoDoc extends Document {
  _id: string;
}

export interface MongoStoreOptions {
  /** Database name; default the one in the URL, else `kubevision`. */
  namespace?: string;
}

export class MongoStore implements MaintainedStore {
  readonly kind = 'mongodb' as const;
  readonly db: Db;
  private readonly client: MongoClient;
  private readonly expiring = new Map<string, MongoDocs<Doc>>();

  constructor(url: string, opts: MongoStoreOptions = {}) {
    this.client = new MongoClient(url, {
      // Fail fast while the server is down (callers answer 503), reconnect when it is back.
      serverSelectionTimeoutMS: 2_000,
      connectTimeoutMS: 2_000,
      socketTimeoutMS: 20_000,
      ignoreUndefined: true,
    });
    const urlDb = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(url)?.[1];
    this.db = this.client.db(opts.namespace ? checkCollectionName(opts.namespace, 'namespace') : urlDb ? decodeURIComponent(urlDb) : 'kubevision');
  }

  async collection<T extends Doc>(spec: CollectionSpec): Promise<Collection<T>> {
    checkSpec(spec);
    const raw = this.db.collection<MongoDoc>(spec.name);
    const createIndexes = async () => {
      for (const index of spec.indexes ?? []) {
        const keys = Object.fromEntries(index.fields.map((f) => [f, 1 as const]));
        // Like PostgreSQL's unique index on (doc->'field'): documents lacking a field are not constrained.
        const partial = index.unique ? { partialFilterExpression: Object.fromEntries(index.fields.map((f) => [f, { $exists: true }])) } : {};
        await raw.createIndex(keys, { name: indexName(spec.name, index), unique: index.unique ?? false, ...partial });
      }
      if (spec.expiresAt) await raw.createIndex({ [spec.expiresAt]: 1 }, { name: indexName(spec.name, { fields: [spec.expiresAt] }, 'ttl'), expireAfterSeconds: 0 });
    };
    try {
      // NamespaceExists: created before, or by another replica just now.
      await this.db.createCollection(spec.name).catch((err) => (codeOf(err) === 48 ? undefined : Promise.reject(err)));
      await createIndexes();
    } catch (err) {
      throw mapError(err, spec.name);
    }
    const docs = new MongoDocs<T>(raw, spec);
    if (spec.expiresAt) this.expiring.set(spec.name, docs as unknown as MongoDocs<Doc>);
    return docs;
  }

  async ping(): Promise<void> {
    try {
      await this.db.command({ ping: 1 });
    } catch (err) {
      throw new StoreUnavailableError(`mongodb does not answer: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The TTL monitor does this about once a minute; this is for tests and tools. */
  async sweepExpired(): Promise<number> {
    let removed = 0;
    for (const docs of this.expiring.values()) removed += await docs.sweep();
    return removed;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

class MongoDocs<T extends Doc> implements Collection<T> {
  private readonly name: string;
  private readonly expiresAt: string | undefined;
  private readonly uniques: string[][];

  constructor(
    private readonly raw: MongoCollection<MongoDoc>,
    spec: CollectionSpec,
  ) {
    this.name = spec.name;
    this.expiresAt = spec.expiresAt;
    this.uniques = (spec.indexes ?? []).filter((i) => i.unique).map((i) => i.fields);
  }

  async insert(doc: T): Promise<void> {
    const prepared = this.toMongo(prepareDoc(doc, this.expiresAt));
    await this.run(async () => {
      await this.purgeExpiredConflicts([prepared]);
      await this.raw.insertOne(prepared);
    });
  }

  async insertMany(docs: T[]): Promise<void> {
    if (docs.length === 0) return;
    const prepared = docs.map((d) => this.toMongo(prepareDoc(d, this.expiresAt)));
    await this.run(async () => {
      await this.purgeExpiredConflicts(prepared);
      try {
        await this.raw.insertMany(prepared, { ordered: true });
      } catch (err) {
        // No transactions on a standalone server: undo the documents stored before the failure
        // (ordered, so they are the first insertedCount).
        if (err instanceof MongoBulkWriteError && err.insertedCount > 0) {
          await this.raw.deleteMany({ _id: { $in: prepared.slice(0, err.insertedCount).map((d) => d._id) } });
        }
        throw err;
      }
    });
  }

  async get(id: string): Promise<T | null> {
    const found = await this.run(() => this.raw.findOne(this.visible({ _id: id })));
    return found ? this.fromMongo(found) : null;
  }

  async find(filter: Filter<T>, opts: FindOptions<T> = {}): Promise<T[]> {
    checkLimit(opts.limit);
    checkFindOptions(opts);
    if (opts.limit === 0) return []; // MongoDB reads limit 0 as "no limit"
    const sort: Record<string, 1 | -1> = {};
    if (opts.sort) sort[opts.sort.field === 'id' ? '_id' : checkField(opts.sort.field)] = opts.sort.order === 'desc' ? -1 : 1;
    sort._id ??= 1; // the same tie-break as the SQL store
    const conditions: Document[] = [this.query(filter)];
    if (opts.after !== undefined && opts.sort) {
      // Strings compare by their UTF-8 bytes, i.e. by code point: the SQL store's "C" order.
      conditions.push({ [opts.sort.field === 'id' ? '_id' : opts.sort.field]: { [opts.sort.order === 'desc' ? '$lt' : '$gt']: opts.after } });
    }
    if (opts.contains && opts.contains.text !== '') {
      const pattern = opts.contains.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      conditions.push({ $or: opts.contains.fields.map((f) => ({ [f]: { $regex: pattern, $options: 'i' } })) });
    }
    const query = conditions.length === 1 ? conditions[0]! : { $and: conditions };
    const found = await this.run(() => this.raw.find(query, { sort, ...(opts.limit !== undefined ? { limit: opts.limit } : {}) }).toArray());
    return found.map((d) => this.fromMongo(d));
  }

  count(filter: Filter<T>): Promise<number> {
    return this.run(() => this.raw.countDocuments(this.query(filter)));
  }

  async update(id: string, patch: Partial<Omit<T, 'id'>>): Promise<T | null> {
    const fields = this.toMongoFields(cleanFields(patch, this.expiresAt));
    if (Object.keys(fields).length === 0) return this.get(id);
    const updated = await this.run(() => this.raw.findOneAndUpdate(this.visible({ _id: id }), { $set: fields }, { returnDocument: 'after' }));
    return updated ? this.fromMongo(updated) : null;
  }

  async updateIf(id: string, expected: Filter<T>, patch: Partial<Omit<T, 'id'>>): Promise<T | null> {
    const fields = this.toMongoFields(cleanFields(patch, this.expiresAt));
    if (Object.keys(fields).length === 0) throw new TypeError('updateIf needs a field to set');
    const { id: _ignored, ...rest } = expected as Record<string, unknown>;
    const updated = await this.run(() => this.raw.findOneAndUpdate(this.query({ ...rest, id } as Filter<T>), { $set: fields }, { returnDocument: 'after' }));
    return updated ? this.fromMongo(updated) : null;
  }

  async increment(id: string, inc: Partial<Record<keyof T & string, number>>, set: Partial<Omit<T, 'id'>> = {}): Promise<T> {
    const increments = Object.fromEntries(checkIncrements(inc));
    // A field may not be both in $inc and $set; the increment wins, as in the SQL store.
    const fields = Object.fromEntries(Object.entries(this.toMongoFields(cleanFields(set, this.expiresAt))).filter(([k]) => !(k in increments)));
    const update: Document = {};
    if (Object.keys(increments).length > 0) update.$inc = increments;
    if (Object.keys(fields).length > 0) update.$set = fields;
    if (Object.keys(update).length === 0) throw new TypeError('increment needs a field to add to or to set');
    return this.run(async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          const after = await this.raw.findOneAndUpdate(this.visible({ _id: id }), update, { upsert: true, returnDocument: 'after' });
          return this.fromMongo(after!);
        } catch (err) {
          // The upsert lost a race for a new id, or an expired document still holds it:
          // clear the expired one and try again as a plain update.
          if (attempt >= 3 || codeOf(err) !== 11000 || this.duplicateFields(err) !== 'id') throw err;
          if (this.expiresAt) await this.raw.deleteOne({ _id: id, [this.expiresAt]: { $lte: new Date() } });
        }
      }
    });
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.run(() => this.raw.deleteOne(this.visible({ _id: id })));
    return result.deletedCount === 1;
  }

  async deleteMany(filter: Filter<T>): Promise<number> {
    const result = await this.run(() => this.raw.deleteMany(this.query(filter)));
    return result.deletedCount;
  }

  async sweep(): Promise<number> {
    if (!this.expiresAt) return 0;
    const result = await this.run(() => this.raw.deleteMany({ [this.expiresAt!]: { $lte: new Date() } }));
    return result.deletedCount;
  }

  /** Expired documents the TTL monitor has not removed yet would still hold ids and unique values. */
  private async purgeExpiredConflicts(docs: Document[]): Promise<void> {
    if (!this.expiresAt) return;
    const clashes = docs.flatMap((d) => [
      { _id: d._id },
      ...this.uniques.filter((fields) => fields.every((f) => d[f] !== undefined)).map((fields) => Object.fromEntries(fields.map((f) => [f, d[f]]))),
    ]);
    await this.raw.deleteMany({ [this.expiresAt]: { $lte: new Date() }, $or: clashes });
  }

  private query(filter: Filter<T>): Document {
    const query: Document = {};
    for (const [field, value] of filterEntries(filter)) {
      query[field === 'id' ? '_id' : field] = field === this.expiresAt && typeof value === 'string' ? new Date(value) : value;
    }
    return this.visible(query);
  }

  private visible(query: Document): Document {
    if (!this.expiresAt) return query;
    // $not also matches documents without the field (or with null): they never expire.
    const condition = { [this.expiresAt]: { $not: { $lte: new Date() } } };
    return this.expiresAt in query ? { $and: [query, condition] } : { ...query, ...condition };
  }

  private toMongo(doc: Record<string, unknown> & { id: string }): MongoDoc {
    const { id, ...rest } = doc;
    return { _id: id, ...this.toMongoFields(rest) };
  }

  private toMongoFields(fields: Record<string, unknown>): Document {
    const expiry = this.expiresAt;
    if (!expiry || typeof fields[expiry] !== 'string') return fields;
    return { ...fields, [expiry]: new Date(fields[expiry]) };
  }

  private fromMongo(doc: Document): T {
    const { _id, ...rest } = doc;
    const expiry = this.expiresAt;
    if (expiry && rest[expiry] instanceof Date) rest[expiry] = rest[expiry].toISOString();
    return { id: _id, ...rest } as T;
  }

  /** Which fields a duplicate-key error is about, from the index name in the server's message. */
  private duplicateFields(err: unknown): string {
    const keyPattern = (err as { keyPattern?: Document }).keyPattern;
    if (keyPattern) return Object.keys(keyPattern).map((k) => (k === '_id' ? 'id' : k)).join(', ');
    const index = /index: (\S+) dup key/.exec(String((err as Error).message))?.[1];
    if (index === '_id_') return 'id';
    const fields = this.uniques.find((f) => indexName(this.name, { fields: f, unique: true }) === index);
    return fields?.join(', ') ?? index ?? 'unique index';
  }

  private async run<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (err) {
      if (codeOf(err) === 11000) throw new DuplicateKeyError(this.name, this.duplicateFields(err));
      throw mapError(err, this.name);
    }
  }
}

const codeOf = (err: unknown) => (err instanceof MongoError ? err.code : undefined);

// Codes the server answers while it steps down, shuts down or loses its network.
const UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

function isUnavailable(err: unknown): boolean {
  if (
    err instanceof MongoNetworkError ||
    err instanceof MongoServerSelectionError ||
    err instanceof MongoTopologyClosedError ||
    err instanceof MongoNotConnectedError ||
    err instanceof MongoClientClosedError ||
    err instanceof MongoOperationTimeoutError
  ) {
    return true;
  }
  if (!(err instanceof MongoError)) return false;
  if (err.hasErrorLabel('RetryableWriteError') || err.hasErrorLabel('ResetPool') || err.hasErrorLabel('SystemOverloadedError')) return true;
  return err instanceof MongoServerError && typeof err.code === 'number' && UNAVAILABLE_CODES.has(err.code);
}

function mapError(err: unknown, collection: string): unknown {
  if (isUnavailable(err)) return new StoreUnavailableError(`${collection}: database unavailable: ${(err as Error).message}`, { cause: err });
  return err;
}
