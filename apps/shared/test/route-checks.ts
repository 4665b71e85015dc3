import type { Express } from 'express';
import { openapiPath, type AnyRoute } from '../route-table.ts';
import type { Schema } from '../schema.ts';

/**
 * Checks every service's route table gets, driven by the table so a new route is covered
 * without a new test: bad input refused naming the field (probes), and the served OpenAPI
 * document against what Express registered (servedRoutes, documentedRoutes).
 */

/** One request that must be refused with 400 naming `field`. */
export interface Probe {
  method: string;
  /** With the path parameters filled in, and the query. */
  path: string;
  body?: unknown;
  field: string;
  code: string;
  what: string;
}

const UNKNOWN = 'kvNotAField';

/** A value the schema accepts; patterns get a run of letters, which every pattern here takes (a new one that does not fails loudly). */
export function sample(s: Schema): unknown {
  if (s.enum) return s.enum[0];
  const type = [s.type ?? 'string'].flat().find((t) => t !== 'null');
  if (type === 'object') return Object.fromEntries((s.required ?? []).map((k) => [k, sample(s.properties![k]!)]));
  if (type === 'array') return Array.from({ length: s.minItems ?? 1 }, () => sample(s.items ?? {}));
  if (type === 'integer' || type === 'number') return s.minimum ?? 1;
  if (type === 'boolean') return true;
  if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  const text = 'A'.repeat(Math.min(Math.max(s.minLength ?? 1, 20), s.maxLength ?? 20));
  if (s.pattern && !new RegExp(s.pattern).test(text)) throw new Error(`sample: no value for the pattern ${s.pattern}; teach route-checks.ts one`);
  return text;
}

/** A JSON value of another type than the schema's. */
function wrongType(s: Schema): unknown {
  const type = [s.type ?? 'string'].flat()[0];
  return type === 'string' ? 12345 : type === 'boolean' ? 'yes' : type === 'array' ? 'not a list' : type === 'object' ? ['not an object'] : 'not a number';
}

/** The same in a query, where every value is text: a word for a number, a repeated parameter (a list) for text. */
function wrongQuery(name: string, s: Schema): string {
  const type = [s.type ?? 'string'].flat()[0];
  return type === 'integer' || type === 'number' ? `${name}=abc` : `${name}=a&${name}=b`;
}

const query = (o: Record<string, unknown>) => new URLSearchParams(Object.entries(o).map(([k, v]): [string, string] => [k, String(v)])).toString();

/**
 * For each route with a body or query schema: an unknown field, and each field of the
 * wrong type, beside valid values for the fields it needs (ajv reports the first problem
 * it meets: missing fields, then unknown ones, then values in the schema's order). A oneOf
 * body is probed in each of its shapes. `open` lists the bodies that take unknown fields.
 */
export function probes(prefix: string, routes: readonly AnyRoute[]): { probes: Map<string, Probe[]>; open: string[] } {
  const byRoute = new Map<string, Probe[]>();
  const open: string[] = [];
  for (const r of routes) {
    if (!r.body && !r.query) continue;
    const name = `${r.method.toUpperCase()} ${prefix}${r.path}`;
    const path = prefix + r.path.replace(/:(\w+)/g, (_, p: string) => encodeURIComponent(String(sample(r.params?.properties?.[p] ?? { type: 'string', format: 'uuid' }))));
    const list: Probe[] = [];
    const probe = (p: Omit<Probe, 'method' | 'code'> & { code?: string }) => list.push({ ...p, method: r.method.toUpperCase(), code: p.code ?? 'invalid_field' });
    for (const shape of r.body ? (r.body.oneOf ?? [r.body]) : []) {
      const base = sample(shape) as Record<string, unknown>;
      if (shape.additionalProperties === false) probe({ what: 'unknown body field', path, body: { ...base, [UNKNOWN]: 1 }, field: UNKNOWN });
      else open.push(name);
      for (const [field, s] of Object.entries(shape.properties ?? {})) {
        probe({ what: `${field} of the wrong type`, path, body: { ...base, [field]: wrongType(s) }, field, code: s['x-code'] });
      }
    }
    if (r.query) {
      const base = query(sample(r.query) as Record<string, unknown>);
      const at = (q: string) => `${path}?${[base, q].filter(Boolean).join('&')}`;
      probe({ what: 'unknown query parameter', path: at(`${UNKNOWN}=1`), field: UNKNOWN });
      for (const [field, s] of Object.entries(r.query.properties ?? {})) probe({ what: `${field} of the wrong type`, path: at(wrongQuery(field, s)), field, code: s['x-code'] });
    }
    byRoute.set(name, list);
  }
  return { probes: byRoute, open };
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string | string[];
}

/** `METHOD /path` of each route an Express app registers, read from its router stack (mounted routers too), `:name` written `{name}`. */
export function servedRoutes(app: Express): string[] {
  const walk = (stack: Layer[], prefix: string): string[] =>
    stack.flatMap((l) => {
      if (l.route) return Object.keys(l.route.methods).map((m) => `${m.toUpperCase()} ${openapiPath(prefix, l.route!.path)}`);
      if (l.handle?.stack) return [l.rawPath ?? '/'].flat().flatMap((p) => walk(l.handle!.stack!, prefix + (p === '/' ? '' : p)));
      return [];
    });
  return walk((app.router as unknown as { stack: Layer[] }).stack, '').sort();
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/** `METHOD /path` of each operation an OpenAPI document lists. */
export const documentedRoutes = (doc: { paths: Record<string, Record<string, unknown>> }): string[] =>
  Object.entries(doc.paths)
    .flatMap(([p, ops]) => Object.keys(ops).filter((m) => METHODS.has(m)).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();
