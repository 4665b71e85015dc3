/**
 * The document store every service uses: MongoDB in production, PostgreSQL (embedded
 * PGlite by default, or a server) everywhere else. Small on purpose: what the services
 * need and every backend can do atomically.
 */
export interface Doc {
  id: string;
}

/** Values a filter or an index can match on: top-level scalar fields only. */
export type FieldValue = string | number | boolean;
export type Filter<T> = Partial<{ [K in keyof T & string]: Exclude<T[K], undefined | null> extends FieldValue ? Exclude<T[K], undefined | null> : never }>;

export interface IndexSpec {
  fields: string[];
  unique?: boolean;
}

export interface CollectionSpec {
  name: string;
  indexes?: IndexSpec[];
  /**
   * A field holding an ISO-8601 time after which the document no longer exists for
   * readers (sessions). MongoDB removes such documents with a TTL index; PostgreSQL
   * filters them out on read and sweeps them periodically.
   */
  expiresAt?: string;
}

export interface FindOptions<T> {
  sort?: { field: keyof T & string; order: 'asc' | 'desc' };
  limit?: number;
  /**
   * A cursor: only documents whose sort field (a string) comes strictly after this value in
   * the sort's order, compared by code point on every backend. Needs `sort`. Pages of a list
   * follow each other by passing the last value of the previous page (the first page passes
   * "", so every page is ordered the same way).
   */
  after?: string;
  /** Documents where any of these string fields contains `text`, ignoring case (a search box); empty text matches all. */
  contains?: { fields: (keyof T & string)[]; text: string };
}

export interface Collection<T extends Doc> {
  /** Throws DuplicateKeyError when the id or a unique index is taken. */
  insert(doc: T): Promise<void>;
  /** All or nothing: when one document fails, none is stored. */
  insertMany(docs: T[]): Promise<void>;
  get(id: string): Promise<T | null>;
  find(filter: Filter<T>, opts?: FindOptions<T>): Promise<T[]>;
  count(filter: Filter<T>): Promise<number>;
  /** Shallow merge of top-level fields; the updated document, or null when absent. */
  update(id: string, patch: Partial<Omit<T, 'id'>>): Promise<T | null>;
  /**
   * Compare and set: the shallow merge of `update`, only when the document exists and its
   * fields equal `expected` at that moment (one atomic statement). The updated document,
   * or null when absent or no longer as expected. What a reservation needs (throttles):
   * of two callers that read the same state, exactly one wins.
   */
  updateIf(id: string, expected: Filter<T>, patch: Partial<Omit<T, 'id'>>): Promise<T | null>;
  /**
   * Atomically adds to numeric fields and sets others, creating the document from
   * `set` + `inc` when absent. Safe under concurrent callers across replicas (counters).
   */
  increment(id: string, inc: Partial<Record<keyof T & string, number>>, set?: Partial<Omit<T, 'id'>>): Promise<T>;
  delete(id: string): Promise<boolean>;
  deleteMany(filter: Filter<T>): Promise<number>;
}

export type StoreKind = 'pglite' | 'postgres' | 'mongodb';

export interface DocumentStore {
  readonly kind: StoreKind;
  /** Creates the collection and its indexes if needed (idempotent, safe for replicas). */
  collection<T extends Doc>(spec: CollectionSpec): Promise<Collection<T>>;
  /** Resolves when the database answers; throws StoreUnavailableError when not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class DuplicateKeyError extends Error {
  constructor(
    readonly collection: string,
    readonly detail: string,
  ) {
    super(`${collection}: duplicate key (${detail})`);
    this.name = 'DuplicateKeyError';
  }
}

/** The database cannot be reached or failed transiently: callers answer 503. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * The database refused a value's characters (PostgreSQL 22P05, 22P02, 22021: a NUL, an
 * unpaired surrogate). Inputs are checked before this (apps/shared/text.ts); this is the
 * backstop, a client error and not an outage. It carries no part of the value.
 */
export class InvalidTextError extends Error {
  constructor(readonly collection: string, readonly code: string) {
    super(`${collection}: the database refused a value's characters (${code})`);
    this.name = 'InvalidTextError';
  }
}
