import { Ajv, type ErrorObject } from 'ajv';
import { findParam, type Group } from '../params/dsl.ts';
import { describe, evaluate } from '../params/expr.ts';
import type { Rule } from '../params/rules.ts';

const TYPE_NAMES: Record<string, string> = {
  integer: 'a whole number',
  array: 'a list',
  object: 'a mapping',
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
};

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
  ) {
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, verbose: true });
    this.validate = ajv.compile(schema);
  }

  problems(values: unknown, prefix = ''): string[] {
    if (!this.validate(values)) {
      const seen = new Set<string>();
      return (this.validate.errors ?? [])
        .filter((e) => !['if', 'allOf'].includes(e.keyword))
        .map((e) => this.describe(e, prefix))
        .filter((m) => !seen.has(m) && seen.add(m));
    }
    return this.rules.filter((r) => evaluate(r.broken, values)).map((r) => `${prefix}${r.message}`);
  }

  private describe(e: ErrorObject, prefix: string): string {
    const path = e.instancePath.split('/').slice(1).join('.');
    const key = `${prefix}${path || '(top level)'}`;
    const param = path ? findParam(this.root, path) : undefined;
    const got = (v: unknown) => ` (got ${JSON.stringify(v)})`;
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'additionalProperties':
        return `${prefix}${path ? `${path}.` : ''}${String(p.additionalProperty)}: unknown key`;
      case 'required':
        return `${prefix}${path ? `${path}.` : ''}${String(p.missingProperty)}: is missing (or null)`;
      case 'enum':
        return `${key}: must be one of ${(p.allowedValues as string[]).join(', ')}${got(e.data)}`;
      case 'type':
        return `${key}: must be ${TYPE_NAMES[String(p.type)] ?? String(p.type)}${got(e.data)}`;
      case 'pattern':
        return `${key}: must be ${param && 'patternName' in param && param.patternName ? param.patternName : `matching ${String(p.pattern)}`}${got(e.data)}`;
      case 'minLength':
        return param?.kind === 'string' && param.requiredWhen
          ? `${key}: is required when ${describe(param.requiredWhen)}`
          : `${key}: must not be empty`;
      default:
        return `${key}: ${e.message ?? e.keyword}${got(e.data)}`;
    }
  }
}
