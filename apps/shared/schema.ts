import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { HttpError } from './http.ts';

/**
 * The JSON schemas request bodies and queries are declared in (route-table.ts), the
 * TypeScript type each one describes, and their validation. One declaration is the
 * check, the handler's type and the OpenAPI document, so the three cannot disagree.
 */

type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'null';

/**
 * The part of JSON Schema the services use. `x-invalid` is what a 400 says when the value
 * is refused; `x-code` its error code where clients know another than invalid_field
 * (face's invalid_subject), also when the field is missing.
 */
export interface Schema {
  type?: JsonType | readonly JsonType[];
  enum?: readonly unknown[];
  properties?: Readonly<Record<string, Schema>>;
  required?: readonly string[];
  additionalProperties?: boolean;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: 'uuid';
  description?: string;
  oneOf?: readonly Schema[];
  /** On a oneOf: the field whose presence picks the first shape (see oneOf below). */
  'x-one-of-by'?: string;
  'x-invalid'?: string;
  'x-code'?: string;
}

type Primitive<T> = T extends 'string' ? string : T extends 'integer' | 'number' ? number : T extends 'boolean' ? boolean : T extends 'null' ? null : T extends 'array' ? unknown[] : T extends 'object' ? Record<string, unknown> : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ObjectOf<P, R> = Simplify<
  { -readonly [K in keyof P as K extends R ? K : never]: Infer<P[K]> } & { -readonly [K in keyof P as K extends R ? never : K]?: Infer<P[K]> }
>;

/** The value a schema declared `as const` accepts: what a handler receives once it validated. */
export type Infer<S> = S extends { oneOf: readonly (infer O)[] }
  ? Infer<O>
  : S extends { enum: readonly (infer E)[] }
    ? E
    : S extends { type: 'object'; properties: infer P }
      ? ObjectOf<P, S extends { required: readonly (infer R)[] } ? R : never>
      : S extends { type: 'array'; items: infer I }
        ? Infer<I>[]
        : S extends { type: infer T }
          ? T extends readonly (infer U)[]
            ? Primitive<U>
            : Primitive<T>
          : unknown;

/** An object of exactly these fields: one the schema does not know is refused, naming it, not ignored. */
export const object = <const P extends Record<string, Schema>, const R extends readonly (keyof P & string)[]>(properties: P, required: R) =>
  ({ type: 'object', properties, required, additionalProperties: false }) as const;

/**
 * A body of one of two shapes, told apart by whether `field` is there, as the handler
 * tells them apart. Documented as oneOf; checked as if/then/else (checked() below), so a
 * refusal names what is wrong in the shape the client sent: ajv's oneOf reports the
 * first shape's complaint, a missing field the client never meant to send.
 */
export const oneOf = <const W extends Schema, const O extends Schema>(field: string, withIt: W, otherwise: O) =>
  ({ oneOf: [withIt, otherwise], 'x-one-of-by': field }) as const;

/** What ajv compiles for a schema: a oneOf told apart by a field becomes if/then/else. */
function checked(s: Schema): object {
  const by = s['x-one-of-by'];
  if (!by || s.oneOf?.length !== 2) return s;
  return { if: { type: 'object', properties: { [by]: true }, required: [by] }, then: s.oneOf[0], else: s.oneOf[1] };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const options = { allErrors: false, verbose: true, strict: true, allowUnionTypes: true, formats: { uuid: UUID }, keywords: ['x-invalid', 'x-code', 'x-one-of-by'] };
const bodies = new Ajv(options);
// A query arrives as text: `limit=25` is the integer 25 here.
const queries = new Ajv({ ...options, coerceTypes: true });

export type Validator<T> = (value: unknown) => T;
/** Where a value came from: a query's values are text, and a refused unknown name is a parameter there and in a path. */
export type Where = 'body' | 'query' | 'path';

/** A check of a body, a query or path parameters against its schema, refusing with a 400 that names the field. */
export function validator<S extends Schema>(schema: S, where: Where): Validator<Infer<S>> {
  const validate: ValidateFunction = (where === 'query' ? queries : bodies).compile(checked(schema));
  return (value) => {
    if (validate(value)) return value as Infer<S>;
    const [error] = validate.errors ?? [];
    throw refusal(error!, where);
  };
}

/** `/images/2` -> `images[2]`, `/a/b` -> `a.b`: how textGuard and the services name a field too. */
function fieldOf(pointer: string, child?: string): string {
  const parts = [...pointer.split('/').slice(1), ...(child === undefined ? [] : [child])].map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return parts.reduce((name, p) => (/^\d+$/.test(p) ? `${name}[${p}]` : name ? `${name}.${p}` : p), '');
}

function refusal(e: ErrorObject, where: Where): HttpError {
  const params = e.params as { missingProperty?: string; additionalProperty?: string; limit?: number };
  const parent = e.parentSchema as Schema;
  if (e.keyword === 'required') {
    const missing = params.missingProperty!;
    return invalidField(fieldOf(e.instancePath, missing), 'is required', parent.properties?.[missing]?.['x-code']);
  }
  if (e.keyword === 'additionalProperties') {
    return invalidField(fieldOf(e.instancePath, params.additionalProperty), where === 'body' ? 'is not a field of this request' : 'is not a parameter of this request');
  }
  return invalidField(fieldOf(e.instancePath) || 'body', says(parent, e.keyword, params.limit), parent['x-code']);
}

const invalidField = (field: string, message: string, code = 'invalid_field') => new HttpError(400, code, `${field}: ${message}`, { field });

/** What a refused value must be, from its schema: the same words whichever of its rules it broke. */
function says(s: Schema, keyword: string, limit?: number): string {
  // Too many says how many, whatever a list is otherwise told (face: "a non-empty list of ...").
  if (keyword === 'maxItems') return `at most ${limit} in one request`;
  if (s['x-invalid']) return s['x-invalid'];
  if (s.enum) return `must be one of ${s.enum.join(', ')}`;
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type === 'string' && s.maxLength !== undefined) return `must be a string of ${s.minLength ?? 0} to ${s.maxLength} characters`;
  if (type === 'integer' && s.minimum !== undefined && s.maximum !== undefined) return `must be a whole number from ${s.minimum} to ${s.maximum}`;
  if (keyword === 'format') return `must be a ${s.format?.toUpperCase()}`;
  if (keyword === 'minItems') return limit === 1 ? 'must not be empty' : `must hold at least ${limit} items`;
  if (keyword === 'pattern') return 'is not in the form this field takes';
  const words: Record<string, string> = { string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false', array: 'a list', object: 'a JSON object', null: 'null' };
  return `must be ${words[type ?? ''] ?? 'valid'}`;
}
