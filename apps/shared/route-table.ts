import type { Request, Response, Router } from 'express';
import { handle } from './http.ts';
import { validator, type Infer, type Schema } from './schema.ts';

export type Method = 'get' | 'post' | 'delete';

/**
 * One operation of a service: the router serves it, its body and query are validated
 * against its schemas before the handler runs (which gets them typed), and the OpenAPI
 * document is written from it. A route that is not in the table does not exist.
 */
export interface Route<B extends Schema | undefined = Schema | undefined, Q extends Schema | undefined = Schema | undefined, D = never> {
  method: Method;
  /** Express syntax, under the router's mount point: `/admin/users/:id`. */
  path: string;
  summary: string;
  body?: B;
  /** Query parameters, all optional; their values arrive as text and are converted to the declared type. */
  query?: Q;
  /** The success status, sent with what the handler returns. */
  status: number;
  /** Statuses of the error shape it may answer with. */
  errors: readonly number[];
  /** Refusals that come before the input is read (no session: 401, whatever the body says). */
  before?: (req: Request, res: Response) => void;
  /**
   * The JSON body of the answer; undefined when the handler answered itself (a status that
   * depends on the outcome). `parts` are what mount was given: the table itself is a
   * constant, which the OpenAPI document reads without a service.
   */
  handle(input: { req: Request; res: Response; body: Infer<B>; query: Infer<Q> }, parts: D): Promise<unknown>;
}

/**
 * A table's `route` for handlers given parts D: keeps the schemas' literal types, so a
 * handler sees `body.email` as a string.
 */
export const routeFor =
  <D>() =>
  <const B extends Schema | undefined = undefined, const Q extends Schema | undefined = undefined>(r: Route<B, Q, D>): Route<B, Q, D> =>
    r;

/** Registers every route of the table on the router, in table order; handlers get `parts`. */
export function mount<D>(router: Router, routes: readonly Route<Schema | undefined, Schema | undefined, D>[], parts: D): void {
  for (const r of routes) {
    const body = r.body && validator(r.body, 'body');
    const query = r.query && validator(r.query, 'query');
    router[r.method](
      r.path,
      handle(async (req, res) => {
        r.before?.(req, res);
        // No JSON content type leaves no body: the same as an empty one, each missing field is named.
        const input = { req, res, body: body ? body(req.body ?? {}) : req.body, query: query ? query({ ...req.query }) : req.query };
        const answer = await r.handle(input, parts);
        if (answer !== undefined) res.status(r.status).json(answer);
      }),
    );
  }
}

/** `/admin/users/:id` -> `/admin/users/{id}`. */
export const openapiPath = (prefix: string, path: string) => `${prefix}${path.replace(/:(\w+)/g, '{$1}')}`;

/** The table by OpenAPI path, then method. */
export function operations<R extends Route<Schema | undefined, Schema | undefined, never>>(prefix: string, routes: readonly R[]): Record<string, Partial<Record<Method, R>>> {
  const byPath: Record<string, Partial<Record<Method, R>>> = {};
  for (const r of routes) (byPath[openapiPath(prefix, r.path)] ??= {})[r.method] = r;
  return byPath;
}

export interface DocumentOptions {
  /** The schema of a path parameter by its name. */
  pathParameter: (name: string) => Schema;
  /** Parameters every operation of this method needs besides its own (a CSRF header). */
  headers?: (method: Method) => object[];
}

/** The `paths` of an OpenAPI document for the table; errors refer to `#/components/schemas/Error`. */
export function openapiPaths(prefix: string, routes: readonly Route<Schema | undefined, Schema | undefined, never>[], o: DocumentOptions): Record<string, Record<string, object>> {
  const json = (schema: object) => ({ content: { 'application/json': { schema } } });
  return Object.fromEntries(
    Object.entries(operations(prefix, routes)).map(([path, ops]) => [
      path,
      Object.fromEntries(
        Object.entries(ops).map(([method, r]) => [
          method,
          {
            summary: r.summary,
            parameters: [
              ...[...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: o.pathParameter(name!) })),
              ...Object.entries(r.query?.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
              ...(o.headers?.(r.method) ?? []),
            ],
            ...(r.body && { requestBody: { required: true, ...json(r.body) } }),
            responses: {
              [String(r.status)]: { description: 'success', ...json({ type: 'object' }) },
              ...Object.fromEntries(r.errors.map((s) => [String(s), { description: 'error', ...json({ $ref: '#/components/schemas/Error' }) }])),
            },
          },
        ]),
      ),
    ]),
  );
}
