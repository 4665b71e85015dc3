import type { Group, Param } from '../../params/dsl.ts';
import { leaves } from '../../params/dsl.ts';
import { nest, toJsonSchema } from '../../params/expr.ts';
import { formatSchema } from '../../params/patterns.ts';

type JsonSchema = Record<string, unknown>;

/**
 * A strict, self-contained draft-07 schema: unknown keys rejected, every key required
 * (values.yaml sets them all, so only a removed or misspelt key can miss), enums,
 * ranges and patterns. Helm enforces it on lint, template, install and upgrade.
 */
export function renderSchema(root: Group, defaults: Record<string, unknown>, title: string): JsonSchema {
  const conditional = [...leaves(root)].flatMap(([path, p]) =>
    p.kind === 'string' && p.requiredWhen
      ? [{ if: toJsonSchema(p.requiredWhen), then: nest(path, { type: 'string', minLength: 1 }) }]
      : [],
  );
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title,
    ...schemaOf(root, defaults),
    ...(conditional.length ? { allOf: conditional } : {}),
  };
}

function schemaOf(p: Param, def: unknown): JsonSchema {
  const base = { description: p.description };
  switch (p.kind) {
    case 'group': {
      const d = def as Record<string, unknown>;
      const properties = Object.fromEntries(Object.entries(p.children).map(([k, c]) => [k, schemaOf(c, d[k])]));
      return { ...base, type: 'object', additionalProperties: p.open !== undefined, required: Object.keys(p.children), properties };
    }
    case 'string':
      return {
        ...base,
        type: 'string',
        default: def,
        ...(p.format && formatSchema(p.format)),
        ...(p.minLength !== undefined && { minLength: p.minLength }),
      };
    case 'int':
      return {
        ...base,
        type: 'integer',
        default: def,
        ...(p.min !== undefined && { minimum: p.min }),
        ...(p.max !== undefined && { maximum: p.max }),
      };
    case 'boolean':
      return { ...base, type: 'boolean', default: def };
    case 'enum':
      return { ...base, type: 'string', enum: [...p.options], default: def };
    case 'list':
      return {
        ...base,
        type: 'array',
        default: def,
        items: { type: 'string', ...(p.items && formatSchema(p.items)) },
      };
    case 'map':
      return {
        ...base,
        type: 'object',
        default: def,
        ...(p.keys && { propertyNames: formatSchema(p.keys) }),
        additionalProperties: { type: 'string', ...(p.values && formatSchema(p.values)) },
      };
    case 'json':
      return { ...base, ...p.schema, default: def };
  }
}

