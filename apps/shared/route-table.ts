import express, { type Request, type Response, type Router } from 'express';
import { HttpError, handle } from './http.ts';
import { validator, type Infer, type Schema } from './schema.ts';

export type Method = 'get' | 'post' | 'delete';

/**
 * One operation of a service: the router serves it, its path parameters, body and query
 * are validated against its schemas before the handler runs (which gets them typed), and
 * the OpenAPI document is written from it. A route that is not in the table does not exist.
 */
export interface Route<
  B extends Schema | undefined = Schema | undefined,
  Q extends Schema | undefined = Schema | undefined,
  D = never,
  P extends Schema | undefined = Schema | undefined,
  R extends RawTypes | undefined = RawTypes | undefined,
> {
  method: Method;
  /** Express syntax, under the router's mount point: `/admin/users/:id`. */
  path: string;
  summary: string;
  /** The path parameters, an object of strings (Express decoded them); without it the document asks DocumentOptions. */
  params?: P;
  body?: B;
  /**
   * Content types taken as raw bytes besides the JSON body (face: one image as it is):
   * the handler gets a Buffer instead of the validated body.
   */
  raw?: R;
  /** Query parameters, all optional; their values arrive as text and are converted to the declared type. */
  query?: Q;
  /** The success status, sent with what the handler returns. */
  status: number;
  /** The schema of the success answer, for the document alone: answers are not checked against it. */
  answer?: object;
  /** Statuses of the error shape it may answer with. */
  errors: readonly number[];
  /** Refusals that come before the input is read (no session: 401, whatever the body says). */
  before?: (req: Request, res: Response, parts: D) => void;
  /**
   * The JSON body of the answer; undefined when the handler answered itself (a status that
   * depends on the outcome). `parts` are what mount was given: the table itself is a
   * constant, which the OpenAPI document reads without a service.
   */
  handle(input: { req: Request; res: Response; body: BodyOf<B, R>; query: Infer<Q>; params: Infer<P> }, parts: D): Promise<unknown>;
}

export type RawTypes = readonly string[];
/** A route that takes raw bytes gets them as they came, else the body its schema describes. */
type BodyOf<B, R> = R extends RawTypes ? Infer<B> | Buffer : Infer<B>;
/** Any route of a table whose handlers get parts D. */
export type AnyRoute<D = never> = Route<Schema | undefined, Schema | undefined, D, Schema | undefined, RawTypes | undefined>;

/**
 * A table's `route` for handlers given parts D: keeps the schemas' literal types, so a
 * handler sees `body.email` as a string.
 */
export const routeFor =
  <D>() =>
  <
    const B extends Schema | undefined = undefined,
    const Q extends Schema | undefined = undefined,
    const P extends Schema | undefined = undefined,
    const R extends RawTypes | undefined = undefined,
  >(
    r: Route<B, Q, D, P, R>,
  ): Route<B, Q, D, P, R> =>
    r;

export interface MountOptions {
  /** The largest raw body a route with `raw` takes (413 beyond), as express.raw reads it. */
  rawLimit?: number | string;
}

/** Registers every route of the table on the router, in table order; handlers get `parts`. */
export function mount<D>(router: Router, routes: readonly AnyRoute<D>[], parts: D, o: MountOptions = {}): void {
  for (const r of routes) {
    const params = r.params && validator(r.params, 'path');
    const body = r.body && validator(r.body, 'body');
    const query = r.query && validator(r.query, 'query');
    // Only a route that takes raw bytes reads them: elsewhere an image body is no body.
    const raw = r.raw ? [express.raw({ type: [...r.raw], limit: o.rawLimit })] : [];
    const bodyOf = (req: Request) => {
      if (Buffer.isBuffer(req.body)) return req.body;
      if (r.raw && req.body === undefined) throw new HttpError(400, 'invalid_field', `body: send a JSON body or one of ${r.raw.join(', ')}`, { field: 'body' });
      // No JSON content type leaves no body: the same as an empty one, each missing field is named.
      return body ? body(req.body ?? {}) : req.body;
    };
    router[r.method](
      r.path,
      ...raw,
      handle(async (req, res) => {
        r.before?.(req, res, parts);
        const input = { req, res, params: params ? params({ ...req.params }) : req.params, body: bodyOf(req), query: query ? query({ ...req.query }) : req.query };
        const answer = await r.handle(input, parts);
        if (answer !== undefined) res.status(r.status).json(answer);
      }),
    );
  }
}

/** `/admin/users/:id` -> `/admin/users/{id}`. */
export const openapiPath = (prefix: string, path: string) => `${prefix}${path.replace(/:(\w+)/g, '{$1}')}`;

/** The table by OpenAPI path, then method. */
export function operations<R extends AnyRoute>(prefix: string, routes: readonly R[]): Record<string, Partial<Record<Method, R>>> {
  const byPath: Record<string, Partial<Record<Method, R>>> = {};
  for (const r of routes) (byPath[openapiPath(prefix, r.path)] ??= {})[r.method] = r;
  return byPath;
}

export interface DocumentOptions {
  /** The schema of a path parameter by its name, for routes that declare no `params`. */
  pathParameter?: (name: string) => Schema;
  /** Parameters every operation of this method needs besides its own (a CSRF header). */
  headers?: (method: Method) => object[];
  /** What an error status means in this service; `error` where it says nothing. */
  errorDescriptions?: Readonly<Record<number, string>>;
}

const json = (schema: object) => ({ content: { 'application/json': { schema } } });
/** The request body: its JSON schema, and raw bytes of each content type the route takes so. */
function requestBody(r: AnyRoute) {
  if (!r.body && !r.raw) return {};
  const content = {
    ...(r.body && json(r.body).content),
    ...Object.fromEntries((r.raw ?? []).map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
  };
  return { requestBody: { required: true, content } };
}

/** The `paths` of an OpenAPI document for the table; errors refer to `#/components/schemas/Error`. */
export function openapiPaths(prefix: string, routes: readonly AnyRoute[], o: DocumentOptions): Record<string, Record<string, object>> {
  const pathSchema = (r: AnyRoute, name: string) => r.params?.properties?.[name] ?? o.pathParameter?.(name) ?? { type: 'string' };
  return Object.fromEntries(
    Object.entries(operations(prefix, routes)).map(([path, ops]) => [
      path,
      Object.fromEntries(
        Object.entries(ops).map(([method, r]) => [
          method,
          {
            summary: r.summary,
            parameters: [
              ...[...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: pathSchema(r, name!) })),
              ...Object.entries(r.query?.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
              ...(o.headers?.(r.method) ?? []),
            ],
            ...requestBody(r),
            responses: {
              // 204 has no body to describe.
              [String(r.status)]: { description: 'success', ...(r.status !== 204 && json(r.answer ?? { type: 'object' })) },
              ...Object.fromEntries(r.errors.map((s) => [String(s), { description: o.errorDescriptions?.[s] ?? 'error', ...json({ $ref: '#/components/schemas/Error' }) }])),
            },
          },
        ]),
      ),
    ]),
  );
}
