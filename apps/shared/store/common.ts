import { createHash } from 'node:crypto';
import type { CollectionSpec, Doc, DocumentStore, FieldValue, IndexSpec } from './types.ts';

/** What openStore returns: a DocumentStore that can also run its expiry sweep on demand. */
export interface MaintainedStore extends DocumentStore {
  /** Deletes the documents whose expiresAt has passed (what the periodic sweep does); the count removed. */
  sweepExpired(): Promise<number>;
}

const COLLECTION_NAME = /^[a-z][a-z0-9_]{0,40}$/;
// Field names end up inside SQL string literals and MongoDB paths: no quotes, dots or `$`.
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function checkCollectionName(name: string, what = 'collection name'): string {
  if (!COLLECTION_NAME.test(name)) throw new TypeError(`invalid ${what} ${JSON.stringify(name)}: expected ${COLLECTION_NAME}`);
  return name;
}

export function checkField(field: string): string {
  if (!FIELD_NAME.test(field)) throw new TypeError(`invalid field name ${JSON.stringify(field)}: expected ${FIELD_NAME}`);
  return field;
}

export function checkSpec(spec: CollectionSpec): void {
  checkCollectionName(spec.name);
  for (const index of spec.indexes ?? []) {
    if (index.fields.length === 0) throw new TypeError(`${spec.name}: an index needs at least one field`);
    index.fields.forEach(checkField);
  }
  if (spec.expiresAt !== undefined) checkField(spec.expiresAt);
}

/**
 * Deterministic and unique per (collection, fields, kind): PostgreSQL index names share one
 * namespace per schema, `users` + [`plant_id`] must not meet `users_plant` + [`id`], and
 * names over 63 characters would be truncated silently.
 */
export function indexName(collection: string, index: IndexSpec, kind: 'key' | 'idx' | 'ttl' = index.unique ? 'key' : 'idx'): string {
  const hash = createHash('sha1').update(JSON.stringify([collection, index.fields, kind])).digest('hex').slice(0, 8);
  return `${`${collection}_${index.fields.join('_')}`.slice(0, 48)}_${hash}_${kind}`;
}

export function checkId(doc: Doc): string {
  if (typeof doc?.id !== 'string' || doc.id === '') throw new TypeError('a document needs a non-empty string id');
  return doc.id;
}

/** Filters match top-level scalars only (see Filter<T>); anything else is a caller bug. */
export function filterEntries(filter: object): [string, FieldValue][] {
  const entries: [string, FieldValue][] = [];
  for (const [field, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'boolean' && !(typeof value === 'number' && Number.isFinite(value))) {
      throw new TypeError(`filter on ${field}: only strings, finite numbers and booleans can be matched`);
    }
    entries.push([checkField(field), value]);
  }
  return entries;
}

export function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new TypeError(`limit must be a non-negative integer, got ${limit}`);
}

/** What `after` and `contains` need, checked the same way for every backend. */
export function checkFindOptions(opts: { sort?: { field: string }; after?: string; contains?: { fields: string[]; text: string } }): void {
  if (opts.after !== undefined) {
    if (!opts.sort) throw new TypeError('after needs a sort field to be a cursor on');
    if (typeof opts.after !== 'string') throw new TypeError('after must be a string');
  }
  if (opts.contains) {
    if (opts.contains.fields.length === 0) throw new TypeError('contains needs at least one field');
    opts.contains.fields.forEach(checkField);
    if (typeof opts.contains.text !== 'string') throw new TypeError('contains.text must be a string');
  }
}

export function checkIncrements(inc: object): [string, number][] {
  return Object.entries(inc)
    .filter(([, v]) => v !== undefined)
    .map(([field, v]) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`increment of ${field} must be a finite number`);
      return [checkField(field), v];
    });
}

/**
 * Copies `fields` without undefined values and without `id`, normalising the expiry field
 * to the exact Date#toISOString() form: both backends then compare and return the same text,
 * and PostgreSQL can compare it as plain text.
 */
export function cleanFields(fields: object, expiresAt: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || k === 'id') continue;
    out[k] = k === expiresAt ? normalizeExpiry(v) : v;
  }
  return out;
}

export function normalizeExpiry(value: unknown): string | null {
  if (value === null) return null;
  const time = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) throw new TypeError(`expiry field must be an ISO-8601 time, got ${JSON.stringify(value)}`);
  return new Date(time).toISOString();
}

export function prepareDoc<T extends Doc>(doc: T, expiresAt: string | undefined): Record<string, unknown> & { id: string } {
  return { ...cleanFields(doc, expiresAt), id: checkId(doc) };
}
