import type { RequestHandler } from 'express';
import { HttpError } from './http.ts';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a string cannot be taken as typed, or undefined. PostgreSQL's jsonb refuses NUL
 * (22P05) and unpaired surrogates (22P02), MongoDB's BSON turns the latter into U+FFFD,
 * and neither is text anybody typed: both are refused at input, naming the field.
 */
export function textProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired surrogate (not valid Unicode)';
  return undefined;
}

/** The first string (or key) in a parsed JSON body that textProblem refuses, by its path: `email`, `images[2]`. */
export function badText(value: unknown, at = ''): { field: string; problem: string } | undefined {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { field: at || 'body', problem } : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = badText(value[i], `${at}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const keyProblem = textProblem(k);
      if (keyProblem) return { field: at || 'body', problem: `has a key that ${keyProblem}` };
      const bad = badText(v, at ? `${at}.${k}` : k);
      if (bad) return bad;
    }
  }
  return undefined;
}

/** After the JSON parser: a body with such text is a 400 naming where it is. */
export const textGuard: RequestHandler = (req, _res, next) => {
  const bad = badText(req.body);
  next(bad ? new HttpError(400, 'invalid_field', `${bad.field}: ${bad.problem}`, { field: bad.field }) : undefined);
};
