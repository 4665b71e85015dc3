import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { findParam, type Group, type Param } from '../params/dsl.ts';
import { describe, evaluate } from '../params/expr.ts';
import type { Format } from '../params/patterns.ts';
import type { Rule } from '../params/rules.ts';

const TYPE_NAMES: Record<string, string> = {
  integer: 'a whole number',
  array: 'a list',
  object: 'a mapping',
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
};

const require = createRequire(import.meta.url);
const standaloneCode = (require('ajv/dist/standalone') as { default: (ajv: Ajv, v: ValidateFunction) => string }).default;
const CACHE = path.join(path.dirname(require.resolve('ajv/package.json')), '..', '.cache', 'kubevision');

/**
 * The schema's validator, compiled once per schema: Ajv's generated code is kept in
 * node_modules/.cache (keyed by the schema), since compiling costs a tenth of a second at
 * every CLI start.
 */
function compiled(schema: Record<string, unknown>): ValidateFunction {
  const options = { allErrors: true, strict: true, strictRequired: false, verbose: true, code: { source: true, optimize: false } } as const;
  const key = createHash('sha256').update(JSON.stringify([schema, options])).digest('hex').slice(0, 16);
  const file = path.join(CACHE, `values-validator-${key}.cjs`);
  if (!existsSync(file)) {
    const ajv = new Ajv(options);
    const validate = ajv.compile(schema);
    mkdirSync(CACHE, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, standaloneCode(ajv, validate));
    renameSync(tmp, file);
    return validate;
  }
  return require(file) as ValidateFunction;
}

/** Keywords a format compiles to (src/chart/files/schema.ts formatSchema). */
const FORMAT_KEYWORDS = new Set(['pattern', 'not', 'maxLength']);

/**
 * Checks complete chart values the way helm will: the chart's own JSON schema first,
 * then the cross-value rules. Returns one readable line per problem, keyed by path.
 */
export class ValuesValidator {
  private readonly validate;

  constructor(
    private readonly root: Group,
    schema: Record<string, unknown>,
    private readonly rules: Rule[],
    /** Rules a plant's own defaults must also keep (src/params/rules.ts plantRules). */
    private readonly plantRules: Rule[] = [],
  ) {
    this.validate = compiled(schema);
  }

  problems(values: unknown, prefix = ''): string[] {
    if (!this.validate(values)) {
      const seen = new Set<string>();
      return (this.validate.errors ?? [])
        // A key's own pattern errors are reported once, by the propertyNames error naming it.
        .filter((e) => !['if', 'allOf'].includes(e.keyword) && !e.schemaPath.includes('/propertyNames/'))
        .map((e) => this.describe(e, prefix))
        .filter((m) => !seen.has(m) && seen.add(m));
    }
    return this.rules.filter((r) => evaluate(r.broken, values)).map((r) => `${prefix}${r.message}`);
  }

  /**
   * A plant file's values: everything helm checks, the plant rules, and no value that the
   * chart's consumers set (Rancher's global.cattle.*, Fleet's global.fleet.*).
   */
  plantProblems(overrides: Record<string, unknown>, values: unknown, prefix = ''): string[] {
    const injected = this.injectedIn(overrides).map(
      ([path, by]) => `${prefix}${path}: set by ${by === 'rancher' ? 'Rancher when it installs the chart' : 'Fleet'}; a plant file does not set it`,
    );
    const problems = [...injected, ...this.undeclaredIn(overrides, this.root, '', prefix), ...this.problems(values, prefix)];
    if (problems.length) return problems;
    return this.plantRules.filter((r) => evaluate(r.broken, values)).map((r) => `${prefix}${r.message}`);
  }

  /** Keys an open group's schema lets through (for parent charts) that no plant file may set: a typo there would be ignored. */
  private undeclaredIn(v: Record<string, unknown>, group: Group, at: string, prefix: string): string[] {
    return Object.entries(v).flatMap(([k, child]): string[] => {
      const path = at ? `${at}.${k}` : k;
      const param = group.children[k];
      if (!param) return group.open === undefined ? [] : [`${prefix}${path}: unknown key`];
      return param.kind === 'group' && child && typeof child === 'object' && !Array.isArray(child)
        ? this.undeclaredIn(child as Record<string, unknown>, param, path, prefix)
        : [];
    });
  }

  private injectedIn(v: Record<string, unknown>, at = ''): [string, string][] {
    return Object.entries(v).flatMap(([k, child]): [string, string][] => {
      const path = at ? `${at}.${k}` : k;
      const param = findParam(this.root, path);
      if (!param) return [];
      if (param.kind !== 'group' && param.injected) return [[path, param.injected]];
      return param.kind === 'group' && child && typeof child === 'object' ? this.injectedIn(child as Record<string, unknown>, path) : [];
    });
  }

  /** The declaration behind a value path, list items and map entries included. */
  private paramAt(segments: string[]): { param?: Param; item?: Format } {
    for (let i = segments.length; i > 0; i--) {
      const param = findParam(this.root, segments.slice(0, i).join('.'));
      if (!param) continue;
      if (i === segments.length) return { param };
      if (param.kind === 'list') return { param, item: param.items };
      if (param.kind === 'map') return { param, item: param.values };
      return { param };
    }
    return {};
  }

  private describe(e: ErrorObject, prefix: string): string {
    // A JSON pointer: '/' inside a key (a label key's prefix) is written ~1, '~' is ~0 (RFC 6901).
    const segments = e.instancePath.split('/').slice(1).map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
    const path = segments.join('.');
    const key = `${prefix}${path || '(top level)'}`;
    const { param, item } = path ? this.paramAt(segments) : {};
    const got = (v: unknown) => {
      const text = JSON.stringify(v) ?? String(v);
      return ` (got ${text.length > 80 ? `${text.slice(0, 60)}... (${text.length} characters)` : text})`;
    };
    const p = e.params as Record<string, unknown>;
    const format = item ?? (param?.kind === 'string' ? param.format : undefined);
    switch (e.keyword) {
      case 'additionalProperties':
        return `${prefix}${path ? `${path}.` : ''}${String(p.additionalProperty)}: unknown key`;
      case 'required':
        return `${prefix}${path ? `${path}.` : ''}${String(p.missingProperty)}: is missing (or null)`;
      case 'propertyNames': {
        const keys = param?.kind === 'map' ? param.keys : undefined;
        return `${key}: key ${JSON.stringify(p.propertyName)} must be ${keys?.name ?? 'a valid key'}`;
      }
      case 'enum':
        return `${key}: must be one of ${(p.allowedValues as string[]).join(', ')}${got(e.data)}`;
      case 'type':
        return `${key}: must be ${TYPE_NAMES[String(p.type)] ?? String(p.type)}${got(e.data)}`;
      case 'minLength':
        return param?.kind === 'string' && param.requiredWhen
          ? `${key}: is required when ${describe(param.requiredWhen)}`
          : `${key}: must not be empty`;
      default:
        if (FORMAT_KEYWORDS.has(e.keyword) && format) return `${key}: must be ${format.name}${got(e.data)}`;
        return `${key}: ${e.message ?? e.keyword}${got(e.data)}`;
    }
  }
}
