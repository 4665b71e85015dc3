/**
 * Test support: a port of the value handling of Rancher's dashboard ("Apps & Marketplace"), so that
 * tests can send a chart exactly the values the real dashboard sends on an install and an upgrade.
 *
 * Sources (read from the bare mirror /work/.mirror/rancher+dashboard/repo, never copied verbatim):
 *   - rancher/dashboard HEAD 17ad8a68ba8d13d1e34bf31ede4515b653a4d306 (2026-08-22)  -> dialect 'head'
 *   - rancher/dashboard tag v2.14.4 (commit 352f099510cab0c4e492ac95981034ce484204dc) -> dialect 'v2.14'
 *   shell/utils/object.js and the path helpers of shell/utils/string.js are identical in both for
 *   every function ported here, except `remove` (pruneEmptyParents only exists at HEAD; only HEAD's
 *   Questions form calls it).
 *
 * Values are treated exactly as the dashboard treats them: the same lodash functions (the project
 * installs lodash 4.17.23, the version v2.14.4 pins; HEAD pins 4.18.1) and the same `jexl` (2.3.0,
 * pinned by both).
 */
import _ from 'lodash';
import jexl from 'jexl';

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyObject = Record<string, any>;

export const DASHBOARD_HEAD_COMMIT = '17ad8a68ba8d13d1e34bf31ede4515b653a4d306';
export const DASHBOARD_V2_14_TAG = 'v2.14.4';
export const DASHBOARD_V2_14_COMMIT = '352f099510cab0c4e492ac95981034ce484204dc';

/** Which dashboard to model: the v2.14.4 release or HEAD. */
export type Dialect = 'v2.14' | 'head';

/** shell/config/labels-annotations.js CATALOG.NAMESPACE / CATALOG.RELEASE_NAME @ 17ad8a68 */
export const CATALOG_NAMESPACE_ANNOTATION = 'catalog.cattle.io/namespace';
export const CATALOG_RELEASE_NAME_ANNOTATION = 'catalog.cattle.io/release-name';

// ---------------------------------------------------------------------------------------------
// shell/utils/string.js path helpers
// ---------------------------------------------------------------------------------------------

// The segment pattern of shell/utils/string.js `quotedMatch` @ 17ad8a68: a bare segment, or a
// double- or single-quoted one (which may contain dots).
const QUOTED_SEGMENTS = /[^."']+|"([^"]*)"|'([^']*)'/g;

/**
 * Ports rancher/dashboard shell/utils/string.js `splitObjectPath` @ 17ad8a68 (same at v2.14.4).
 * Paths without quotes split on every dot; as soon as a quote appears anywhere the path is
 * tokenised into bare or quoted segments and every quote character is stripped from them.
 * Upstream calls `.map` on the match result, so a path with quotes but no segment (e.g. `"`)
 * throws a TypeError there; so does this port.
 */
export function splitObjectPath(path: string): string[] {
  if (path.includes('"') || path.includes("'")) {
    const found = path.match(QUOTED_SEGMENTS);

    if (found === null) {
      throw new TypeError("Cannot read properties of null (reading 'map')");
    }

    return found.map((segment) => segment.replace(/['"]/g, ''));
  }

  return path.split('.');
}

/**
 * Ports rancher/dashboard shell/utils/string.js `joinObjectPath` @ 17ad8a68 (same at v2.14.4):
 * segments that contain a dot are wrapped in double quotes.
 */
export function joinObjectPath(parts: readonly string[]): string {
  let out = '';

  for (const part of parts) {
    out += part.includes('.') ? `."${ part }"` : `.${ part }`;
  }

  return out.startsWith('.') ? out.slice(1) : out;
}

// ---------------------------------------------------------------------------------------------
// shell/utils/object.js
// ---------------------------------------------------------------------------------------------

/**
 * Ports rancher/dashboard shell/utils/object.js `get` @ 17ad8a68 (same at v2.14.4).
 * An empty path throws; a path without a dot is a plain property read (so `"a"` reads the key
 * `"a"` including its quotes); otherwise the path is split with `splitObjectPath` and walked,
 * stopping with undefined at the first falsy step.
 * Not ported: paths starting with `$` go to jsonpath-plus upstream; this port throws for them.
 */
export function get(obj: any, path: string): any {
  if (!path) {
    throw new Error('Cannot translate an empty input. The t function requires a string.');
  }

  if (path.startsWith('$')) {
    throw new Error(`rancher-dashboard port: JSONPath lookups ("${ path }") are not ported`);
  }

  if (!path.includes('.')) {
    return obj?.[path];
  }

  let cursor = obj;

  for (const part of splitObjectPath(path)) {
    if (!cursor) {
      return undefined;
    }
    cursor = cursor[part];
  }

  return cursor;
}

/**
 * Ports rancher/dashboard shell/utils/object.js `set` @ 17ad8a68 (same at v2.14.4).
 * Missing *or falsy* intermediate values are replaced by `{}`; a truthy primitive on the way makes
 * the assignment throw (ES modules are strict mode, as the dashboard's bundle is).
 * Returns undefined (and does nothing) when `obj` is falsy.
 */
export function set(obj: any, path: string, value: unknown): any {
  let cursor = obj;

  if (!cursor) {
    return undefined;
  }

  const parts = splitObjectPath(path);

  for (let i = 0; i < parts.length; i++) {
    const key = parts[i] as string;

    if (i === parts.length - 1) {
      cursor[key] = value;
    } else if (!cursor[key]) {
      cursor[key] = {};
    }

    cursor = cursor[key];
  }

  return obj;
}

/**
 * Ports rancher/dashboard shell/utils/object.js `isEmpty` @ 17ad8a68 (same at v2.14.4) - the
 * dashboard's own helper, which `diff` uses (it is not lodash's isEmpty): falsy values are empty,
 * anything else is empty when it has no own enumerable keys (so every number is empty).
 */
export function isEmpty(obj: unknown): boolean {
  if (!obj) {
    return true;
  }

  return !Object.keys(obj as object).length;
}

/**
 * Ports rancher/dashboard shell/utils/object.js `remove` @ 17ad8a68 (HEAD; v2.14.4 has no
 * `pruneEmptyParents`). A one-segment path deletes `obj[path]` (the raw path, quotes included);
 * otherwise the parent is looked up with `get` and the leaf deleted; with `pruneEmptyParents`
 * ancestors that became empty (per the dashboard's `isEmpty`) are deleted bottom-up.
 */
export function remove(obj: any, path: string, pruneEmptyParents = false): any {
  const parentParts = splitObjectPath(path);

  if (parentParts.length === 1) {
    obj[path] = undefined;
    delete obj[path];
  } else {
    const leafKey = parentParts.pop() as string;
    const parent = get(obj, joinObjectPath(parentParts));

    if (parent) {
      parent[leafKey] = undefined;
      delete parent[leafKey];

      if (pruneEmptyParents) {
        while (parentParts.length) {
          const ancestorKey = parentParts.pop() as string;
          const ancestor = parentParts.length ? get(obj, joinObjectPath(parentParts)) : obj;

          if (ancestor && isEmpty(ancestor[ancestorKey])) {
            delete ancestor[ancestorKey];
          } else {
            break;
          }
        }
      }
    }
  }

  return obj;
}

/** Ports rancher/dashboard shell/utils/object.js `clone` @ 17ad8a68: lodash cloneDeep. */
export function clone<T>(obj: T): T {
  return _.cloneDeep(obj);
}

/**
 * Ports rancher/dashboard shell/utils/object.js `definedKeys` @ 17ad8a68 (same at v2.14.4).
 * Returns the path of every leaf as quoted segments joined by dots (`"a"."b.c"`); arrays and
 * primitives are leaves, objects (lodash isObject, so functions too) are descended into, and an
 * empty object contributes no key at all.
 */
export function definedKeys(obj: any): string[] {
  const keys = Object.keys(obj).map((key): string | string[] => {
    const val = obj[key];

    if (Array.isArray(val)) {
      return `"${ key }"`;
    } else if (_.isObject(val)) {
      return (definedKeys(val) || []).map((subkey) => `"${ key }".${ subkey }`);
    }

    return `"${ key }"`;
  });

  return _.compact(_.flattenDeep(keys));
}

/**
 * Ports rancher/dashboard shell/utils/object.js `diff(from, to, preventNull = false)` @ 17ad8a68
 * (same at v2.14.4), the function that decides which values the dashboard sends.
 *
 * 1. lodash `transform` over `to`: values lodash-`isEqual` to `from[k]` are dropped; when either
 *    side is an array the whole `to` value is kept; when both are objects the diff recurses, but an
 *    emptied object (`to` empty, `from` not, per the dashboard's `isEmpty`) is emitted as `{}`
 *    instead of its nested nulls, and an empty nested diff is dropped; any other change keeps the
 *    `to` value.
 * 2. Every `definedKeys(from)` path that `definedKeys(to)` lacks is "missing" (lodash difference),
 *    unless some `to` path continues it (`k + '.'`), or any ancestor path already has a value in the
 *    output (`get(out, ancestor) !== undefined`).
 *    - preventNull: a single-segment key gets `from`'s value back when it is not null/undefined,
 *      anything else gets null. Nested keys stay quoted, so `from['"a"."b"']` is always undefined and
 *      they always get null (upstream quirk, reproduced).
 *    - otherwise the key is nulled unless one of its segments names a *top-level* key of the output
 *      that holds a non-object (upstream checks `out[part]` for every part at the top level).
 */
export function diff(from: any, to: any, preventNull = false): any {
  from = from || {};
  to = to || {};

  const out = _.transform(to, (res: any, toVal: any, k: any) => {
    const fromVal = from[k];

    if (_.isEqual(toVal, fromVal)) {
      return;
    }

    if (Array.isArray(toVal) || Array.isArray(fromVal)) {
      res[k] = toVal;
    } else if (_.isObject(toVal) && _.isObject(fromVal)) {
      const nested = diff(fromVal, toVal, preventNull);

      if (isEmpty(toVal) && !isEmpty(fromVal)) {
        res[k] = {};
      } else if (!isEmpty(nested)) {
        res[k] = nested;
      }
    } else {
      res[k] = toVal;
    }
  });

  const fromKeys = definedKeys(from);
  const toKeys = definedKeys(to);
  const missing = _.difference(fromKeys, toKeys);

  for (const k of missing) {
    if (toKeys.some((tk) => tk.startsWith(`${ k }.`))) {
      continue;
    }

    const parts = splitObjectPath(k);
    let hasUpdatedParent = false;

    for (let i = 1; i < parts.length; i++) {
      if (get(out, joinObjectPath(parts.slice(0, i))) !== undefined) {
        hasUpdatedParent = true;
        break;
      }
    }

    if (hasUpdatedParent) {
      continue;
    }

    if (preventNull) {
      const key = k.includes('.') ? k : k.replaceAll('"', '');

      if (from[key] !== undefined && from[key] !== null) {
        set(out, key, from[key]);
      } else {
        set(out, key, null);
      }
    } else {
      const skip = splitObjectPath(k).some((part) => {
        const existing = out?.[part];

        return existing !== undefined && !_.isObject(existing);
      });

      if (!skip) {
        set(out, k, null);
      }
    }
  }

  return out;
}

/**
 * Ports rancher/dashboard shell/utils/object.js `mergeWithReplace` @ 17ad8a68 (same at v2.14.4):
 * lodash `mergeWith(destination, obj1, obj2)` where two arrays at the same place are not merged
 * index by index - obj2's array (the same reference) replaces obj1's. `destination` is a new object
 * unless `mutateOriginal`.
 */
export function mergeWithReplace(
  obj1: any = {},
  obj2: any = {},
  { mutateOriginal = false, replaceArray = true }: { mutateOriginal?: boolean; replaceArray?: boolean } = {},
): any {
  const destination = mutateOriginal ? obj1 : {};

  return _.mergeWith(destination, obj1, obj2, (obj1Value: unknown, obj2Value: unknown) => {
    if (replaceArray && Array.isArray(obj1Value) && Array.isArray(obj2Value)) {
      return obj2Value;
    }

    return undefined;
  });
}

// ---------------------------------------------------------------------------------------------
// shell/components/Questions/index.vue
// ---------------------------------------------------------------------------------------------

/** A question of a chart's questions.yaml, as the dashboard reads it. */
export interface Question {
  variable?: string;
  label?: string;
  description?: string;
  type?: string;
  default?: unknown;
  group?: string;
  show_if?: unknown;
  if?: unknown;
  subquestions?: Question[];
  show_subquestion_if?: unknown;
  show_subquestions_if?: unknown;
  subquestion_if?: unknown;
  subquestions_if?: unknown;
  [key: string]: unknown;
}

/**
 * Ports rancher/dashboard shell/components/Questions/index.vue `migrateAtomic` @ 17ad8a68: one
 * comparison (`key=value`, `key!=value`, lazy key so `!=` is recognised) becomes Jexl; `true`,
 * `false`, `null` stay bare, an empty value becomes `!key` / `!!key`, anything else is quoted.
 * Without a comparison the text is kept if Jexl compiles it, else it becomes `'true'`.
 */
function migrateAtomicHead(expr: string): string {
  const parts = expr.match(/^(.*?)\s*(!=|=)\s*(.*)$/);

  if (parts) {
    const key = (parts[1] as string).trim();
    const op = parts[2] === '!=' ? '!=' : '==';
    const val = (parts[3] as string).trim();

    if (val === 'true' || val === 'false' || val === 'null') {
      return `${ key } ${ op } ${ val }`;
    } else if (val === '') {
      return op === '!=' ? `!!${ key }` : `!${ key }`;
    }

    return `${ key } ${ op } "${ val }"`;
  }

  try {
    jexl.compile(expr);

    return expr;
  } catch {
    return 'true';
  }
}

/**
 * Ports rancher/dashboard shell/components/Questions/index.vue `migrateGrouped` @ 17ad8a68:
 * tokenises on `&&`, `||`, `(`, `)` and a unary `!` (not the `!` of `!=`), keeps those tokens and
 * whitespace as they are and migrates every other token with `migrateAtomic`.
 */
function migrateGroupedHead(expr: string): string {
  return expr.split(/(&&|\|\||\(|\)|!(?!=))/).map((token) => {
    const trimmed = token.trim();

    if (!trimmed || ['&&', '||', '(', ')', '!'].includes(trimmed)) {
      return token;
    }

    return migrateAtomicHead(trimmed);
  }).join('');
}

/**
 * Ports rancher/dashboard shell/components/Questions/index.vue `migrateUngrouped` @ 17ad8a68:
 * splits on `||` first, then `&&`, joining with spaced operators.
 */
function migrateUngroupedHead(expr: string): string {
  if (expr.includes('||')) {
    return expr.split('||').map((x) => migrateUngroupedHead(x)).join(' || ');
  } else if (expr.includes('&&')) {
    return expr.split('&&').map((x) => migrateUngroupedHead(x)).join(' && ');
  }

  return migrateAtomicHead(expr);
}

/**
 * Ports rancher/dashboard shell/components/Questions/index.vue `migrate` @ v2.14.4: split on `||`,
 * else `&&`, else match `^(.*)(!?=)(.*)$` - the first group is greedy, so in `foo!=bar` the `!` goes
 * into the key (`foo! == "bar"`, which Jexl cannot compile; evalExpr then answers true). Calls
 * `.includes` / `.match` on whatever show_if holds, so a non-string show_if throws as upstream does.
 */
function migrateV214(expr: any): string {
  let out: string;

  if (expr.includes('||')) {
    out = expr.split('||').map((x: string) => migrateV214(x)).join(' || ');
  } else if (expr.includes('&&')) {
    out = expr.split('&&').map((x: string) => migrateV214(x)).join(' && ');
  } else {
    const parts = expr.match(/^(.*)(!?=)(.*)$/);

    if (parts) {
      const key = parts[1].trim();
      const op = parts[2].trim() === '!=' ? '!=' : '==';
      const val = parts[3].trim();

      if (val === 'true' || val === 'false' || val === 'null') {
        out = `${ key } ${ op } ${ val }`;
      } else if (val === '') {
        out = op === '!=' ? `!!${ key }` : `!${ key }`;
      } else {
        out = `${ key } ${ op } "${ val }"`;
      }
    } else {
      try {
        jexl.compile(expr);
        out = expr;
      } catch {
        out = 'true';
      }
    }
  }

  return out;
}

/**
 * The show_if -> Jexl rewrite of each dialect.
 * - 'head': ports `migrate` @ 17ad8a68: non-strings are returned untouched; the grouped migration is
 *   kept when Jexl compiles it *and* evaluates it against `{}` without throwing, else the ungrouped
 *   migration is used.
 * - 'v2.14': ports `migrate` @ v2.14.4 (see migrateV214).
 */
export function migrate(expr: unknown, dialect: Dialect): unknown {
  if (dialect === 'v2.14') {
    return migrateV214(expr);
  }

  if (typeof expr !== 'string') {
    return expr;
  }

  const grouped = migrateGroupedHead(expr);

  try {
    jexl.compile(grouped);
    jexl.evalSync(grouped, {});

    return grouped;
  } catch {
    return migrateUngroupedHead(expr);
  }
}

/** What the Questions component's `this` provides to evalExpr's legacy fallback. */
export interface QuestionContext {
  /** The component's top-level question list (`this.allQuestions`); the fallback only looks there. */
  allQuestions?: Question[];
  /** The component's value (`this.value`, i.e. chartValues); defaults to the evaluated values. */
  formValue?: AnyObject;
}

/** Ports Questions/index.vue `stringifyAnswer` @ 17ad8a68 (same at v2.14.4). */
function stringifyAnswer(answer: unknown): string {
  if (answer === undefined || answer === null) {
    return '';
  } else if (typeof answer === 'string') {
    return answer;
  }

  return `${ answer as string }`;
}

/**
 * Ports Questions/index.vue `getAnswer` @ 17ad8a68 (same at v2.14.4): the value of the top-level
 * question with exactly that variable, or the variable text itself when there is none.
 */
function getAnswer(variable: string, questions: Question[], formValue: AnyObject): unknown {
  const found = questions.find((q) => q.variable === variable);

  return found ? get(formValue, found.variable as string) : variable;
}

/** Ports Questions/index.vue `getVariables` @ 17ad8a68 (same at v2.14.4): exactly one operator. */
function getVariables(showIf: string, operator: string): { left: string; right: string } | null {
  if (showIf.includes(operator)) {
    const array = showIf.split(operator);

    return array.length === 2 ? { left: array[0] as string, right: array[1] as string } : null;
  }

  return null;
}

/**
 * Ports Questions/index.vue `calExpression` / `isEqual` / `isNotEqual` @ 17ad8a68 (same at
 * v2.14.4): the Ember-era comparison. Only the whole term is trimmed, not the two sides.
 */
function calExpression(showIf: string, questions: Question[], formValue: AnyObject): boolean {
  const notEqual = showIf.includes('!=');
  const variables = getVariables(showIf.trim(), notEqual ? '!=' : '=');

  if (!variables) {
    return false;
  }

  const left = stringifyAnswer(getAnswer(variables.left, questions, formValue));
  const right = stringifyAnswer(variables.right);

  return notEqual ? left !== right : left === right;
}

/**
 * Ports Questions/index.vue `evaluate` @ 17ad8a68 (same at v2.14.4): the legacy evaluation of the
 * *question's* show_if (also when called for a subquestion condition): any `||` makes it a some()
 * over `||` parts, otherwise an every() over `&&` parts. No show_if means shown.
 */
function evaluate(question: Question, questions: Question[], formValue: AnyObject): boolean {
  const showIf: any = question.show_if;

  if (!showIf) {
    return true;
  }

  const and: string[] = showIf.split('&&');
  const or: string[] = showIf.split('||');

  if (or.length > 1) {
    return or.some((part) => calExpression(part, questions, formValue));
  }

  return and.every((part) => calExpression(part, questions, formValue));
}

/**
 * Ports Questions/index.vue `evalExpr` @ 17ad8a68 (same at v2.14.4): `jexl.evalSync(expr, values)`;
 * a falsy result of an expression containing '-' is re-decided by `evaluate(question)`; anything
 * thrown (including by the fallback) counts as true.
 */
function evalExpr(expr: any, values: AnyObject, question: Question, ctx: QuestionContext): unknown {
  try {
    const out = jexl.evalSync(expr, values);

    if (!out && expr.includes('-')) {
      return evaluate(question, ctx.allQuestions ?? [], ctx.formValue ?? values);
    }

    return out;
  } catch {
    return true;
  }
}

/**
 * Ports Questions/index.vue `shouldShow` @ 17ad8a68 / v2.14.4: `q.if` wins; else show_if migrated
 * by the dialect; a falsy expression means shown.
 */
export function shouldShow(q: Question, values: AnyObject, dialect: Dialect, ctx: QuestionContext = {}): boolean {
  let expr: any = q.if;

  if (expr === undefined && q.show_if !== undefined) {
    expr = migrate(q.show_if, dialect);
  }

  if (expr) {
    return !!evalExpr(expr, values, q, ctx);
  }

  return true;
}

/**
 * Ports Questions/index.vue `shouldShowSub` @ 17ad8a68 (same at v2.14.4): `subquestions_if` beats
 * `subquestion_if` (Jexl as written); otherwise `show_subquestions_if` beats `show_subquestion_if`:
 * false/'false' -> `!variable`, true/'true' -> `!!variable`, anything else -> `variable == "value"`.
 */
export function shouldShowSub(q: Question, values: AnyObject, ctx: QuestionContext = {}): unknown {
  let expr: any = q.subquestions_if === undefined ? q.subquestion_if : q.subquestions_if;
  const old = q.show_subquestions_if === undefined ? q.show_subquestion_if : q.show_subquestions_if;

  if (!expr && old !== undefined) {
    if (old === false || old === 'false') {
      expr = `!${ q.variable }`;
    } else if (old === true || old === 'true') {
      expr = `!!${ q.variable }`;
    } else {
      expr = `${ q.variable } == "${ old as string }"`;
    }
  }

  if (expr) {
    return evalExpr(expr, values, q, ctx);
  }

  return true;
}

interface ShownEntry { question: Question; group: unknown }

/**
 * Ports the `shownQuestions` computed of Questions/index.vue @ 17ad8a68 (same at v2.14.4):
 * top-level questions whose variable is in ignoreVariables are skipped, then depth-first: a
 * question is listed when shouldShow, and its subquestions follow it when shouldShowSub. Each entry
 * carries its group (`q.group || parentGroup`, which upstream writes onto the question object).
 */
function computeShown(questions: Question[], values: AnyObject, dialect: Dialect, ignore: readonly unknown[], formValue?: AnyObject): ShownEntry[] {
  const out: ShownEntry[] = [];
  const ctx: QuestionContext = { allQuestions: questions, formValue: formValue ?? values };

  const addQuestion = (q: Question, parentGroup: unknown): void => {
    if (!shouldShow(q, values, dialect, ctx)) {
      return;
    }

    const group = q.group || parentGroup;

    out.push({ question: q, group });

    if (q.subquestions?.length && shouldShowSub(q, values, ctx)) {
      for (const sub of q.subquestions) {
        addQuestion(sub, group);
      }
    }
  };

  for (const q of questions) {
    if (ignore.includes(q.variable)) {
      continue;
    }
    addQuestion(q, undefined);
  }

  return out;
}

/**
 * The questions the form shows for `values`, in the order of the `shownQuestions` computed
 * (Questions/index.vue @ 17ad8a68 / v2.14.4): a parent, then (recursively) its shown subquestions.
 * The form renders them grouped by tab (see `questionGroups`), which only reorders when groups
 * interleave.
 */
export function shownQuestions(questions: Question[], values: AnyObject, dialect: Dialect, ignoreVariables: readonly unknown[] = []): Question[] {
  return computeShown(questions, values, dialect, ignoreVariables).map((e) => e.question);
}

/**
 * Ports the `groups` computed of Questions/index.vue @ 17ad8a68 (same at v2.14.4): shown questions
 * bucketed by `group.trim().toLowerCase()` (default 'Questions'), buckets in order of first
 * appearance (upstream's `sortBy(out, 'weight:desc')` is lodash, which does not understand
 * ':desc', and leaves that order). The name is the first spelling seen (charts without i18n keys).
 */
function groupEntries(entries: ShownEntry[]): { name: string; questions: Question[] }[] {
  const map = new Map<string, { name: string; questions: Question[] }>();

  for (const { question, group } of entries) {
    const name: any = group || 'Questions';
    const normalized: string = name.trim().toLowerCase();
    let bucket = map.get(normalized);

    if (!bucket) {
      bucket = { name, questions: [] };
      map.set(normalized, bucket);
    }
    bucket.questions.push(question);
  }

  return [...map.values()];
}

/** The form's tabs (groups) and their questions, as Questions/index.vue `groups` lists them. */
export function questionGroups(questions: Question[], values: AnyObject, dialect: Dialect, ignoreVariables: readonly unknown[] = []): { name: string; questions: Question[] }[] {
  return groupEntries(computeShown(questions, values, dialect, ignoreVariables));
}

/**
 * Ports rancher/dashboard shell/pages/c/_cluster/apps/charts/install.helpers.js `ignoreVariables`
 * @ 17ad8a68 (same at v2.14.4): the PSP question of a few Rancher charts. Note it always returns a
 * one-element array, `[undefined]` for every other chart - so `includes(q.variable)` drops every
 * top-level question that has no `variable`.
 */
export function ignoreVariables(chartName: string | undefined): (string | undefined)[] {
  const pspChartMap: Record<string, string> = {
    epinio:                     'global.rbac.pspEnabled',
    longhorn:                   'enablePSP',
    'rancher-alerting-drivers': 'global.cattle.psp.enabled',
    neuvector:                  'global.cattle.psp.enabled',
    'prometheus-federator':     'global.rbac.pspEnabled',
  };

  return [chartName === undefined ? undefined : pspChartMap[chartName]];
}

/**
 * Ports Questions/index.vue `componentForQuestion` @ 17ad8a68 (same at v2.14.4), reduced to the
 * component definition Vue ends up rendering (aliases like 'hostname' are the String component).
 * The type is lower-cased before the lookup, so `questionMap` is never found and renders as String.
 */
function componentKind(q: Question): string {
  const type: string = ((q.type || '') as any).toLowerCase();
  const known: Record<string, string> = {
    string:          'String',
    hostname:        'String',
    multiline:       'String',
    password:        'String',
    ipaddr:          'String',
    cidr:            'String',
    cron:            'String',
    boolean:         'Boolean',
    enum:            'Enum',
    int:             'Int',
    float:           'Float',
    questionMap:     'Map',
    reference:       'Reference',
    configmap:       'Reference',
    secret:          'Reference',
    storageclass:    'Reference',
    pvc:             'Reference',
    cloudcredential: 'CloudCredential',
    radio:           'Radio',
    yaml:            'Yaml',
  };

  if (Object.hasOwn(known, type)) {
    return known[type] as string;
  } else if (type.startsWith('array')) {
    return 'Array';
  } else if (type.startsWith('map')) {
    return 'Map';
  } else if (type.startsWith('reference[')) {
    return 'Reference';
  }

  return 'String';
}

/** The state of one mounted Questions form (Questions/index.vue inside install.vue). */
export interface FormState {
  dialect: Dialect;
  /** The chart's questions.yaml `questions` (`this.allQuestions`). */
  questions: Question[];
  /** The form's value (install.vue's chartValues); `answer` writes here. */
  chartValues: AnyObject;
  /** The chart's values.yaml (`this.source.values`). HEAD restores hidden answers to these - by
   *  reference, as upstream does, so later edits below such a value also edit this object. */
  defaults: AnyObject | undefined;
  ignoreVariables: readonly unknown[];
  /** HEAD: answers of questions that were hidden, restored when they are shown again. */
  hiddenValuesCache: AnyObject;
  /** The value the `shownQuestions` watcher saw last. */
  shown: Question[];
  /** Rendered question components by their `${group}-${index}` key, so that re-renders reuse them
   *  as Vue does (only newly created components apply a question's `default`). */
  slots: Map<string, string>;
}

/**
 * Ports the `shownQuestions` watcher of Questions/index.vue @ 17ad8a68 (HEAD only; v2.14.4 has no
 * watcher, so a hidden question keeps its answer and it is sent). Nothing happens while the
 * previous list was empty. A variable that disappeared has its current value cached (when not
 * undefined) and is then set back to values.yaml's value or, when values.yaml has none, removed with
 * empty parents pruned; a variable that appears again gets its cached answer back.
 */
function applyShownWatcher(form: FormState, old: Question[], neu: Question[]): void {
  const neuVars = neu.map((q) => q.variable).filter(Boolean) as string[];
  const oldVars = old.map((q) => q.variable).filter(Boolean) as string[];

  for (const variable of oldVars) {
    if (!neuVars.includes(variable)) {
      const currentValue = get(form.chartValues, variable);

      if (currentValue !== undefined) {
        form.hiddenValuesCache[variable] = currentValue;
      }

      const defaultValue = form.defaults ? get(form.defaults, variable) : undefined;

      if (defaultValue !== undefined) {
        set(form.chartValues, variable, defaultValue);
      } else {
        remove(form.chartValues, variable, true);
      }
    }
  }

  for (const variable of neuVars) {
    if (!oldVars.includes(variable) && variable in form.hiddenValuesCache) {
      set(form.chartValues, variable, form.hiddenValuesCache[variable]);
      delete form.hiddenValuesCache[variable];
    }
  }
}

/**
 * Renders the form: slots keyed `${i}-${j}` (group index, index in group) as the template keys them.
 * A slot whose key is new or whose component changed is a newly created question component; its
 * `created()` (shell/components/Questions/Question.js @ 17ad8a68, same at v2.14.4) emits the
 * question's `default` (boolean questions: string 'true' -> true, other strings -> false) when the
 * value it was rendered with is undefined, and the form stores it with `set`.
 * Returns whether a default was written.
 */
function renderForm(form: FormState): boolean {
  const entries = computeShown(form.questions, form.chartValues, form.dialect, form.ignoreVariables);
  const next = new Map<string, string>();
  const created: { q: Question; rendered: unknown }[] = [];

  groupEntries(entries).forEach((group, i) => {
    group.questions.forEach((q, j) => {
      const key = `${ i }-${ j }`;
      const kind = componentKind(q);
      // `:value="get(value, q.variable)"` is evaluated for every child before any child is created.
      const rendered = get(form.chartValues, q.variable as string);

      next.set(key, kind);
      if (form.slots.get(key) !== kind) {
        created.push({ q, rendered });
      }
    });
  });

  form.slots = next;

  let wrote = false;

  for (const { q, rendered } of created) {
    let def = q.default;

    if (q.type === 'boolean' && typeof def === 'string') {
      def = def === 'true';
    }

    if (rendered === undefined && def !== undefined) {
      set(form.chartValues, q.variable as string, def);
      wrote = true;
    }
  }

  return wrote;
}

/** Glue: whether the `shownQuestions` computed produced the same questions again. */
function sameVariables(a: Question[], b: Question[]): boolean {
  return a.length === b.length && a.every((q, i) => q === b[i]);
}

/**
 * Runs Vue's reactivity to a fixed point after a change of the form's value: the `shownQuestions`
 * watcher (HEAD) until the list is stable, then a render (which may write defaults), and again.
 */
function settle(form: FormState): void {
  for (let round = 0; round < 100; round++) {
    let neu = shownQuestions(form.questions, form.chartValues, form.dialect, form.ignoreVariables);
    let guard = 0;

    while (!sameVariables(neu, form.shown)) {
      if (++guard > 100) {
        throw new Error('Maximum recursive updates exceeded in the Questions form');
      }
      if (form.dialect === 'head' && form.shown.length) {
        applyShownWatcher(form, form.shown, neu);
      }
      form.shown = neu;
      neu = shownQuestions(form.questions, form.chartValues, form.dialect, form.ignoreVariables);
    }

    if (!renderForm(form)) {
      return;
    }
  }

  throw new Error('Maximum recursive updates exceeded in the Questions form');
}

/**
 * Mounts a Questions form (Questions/index.vue as install.vue uses it: source = versionInfo,
 * value = chartValues, ignoreVariables from install.helpers.js, tabbed="multiple"). The watcher's
 * first `old` is the list at setup; the first render creates every shown question component.
 */
export function createForm(init: {
  dialect: Dialect;
  questions: Question[];
  chartValues: AnyObject;
  defaults?: AnyObject;
  ignoreVariables?: readonly unknown[];
}): FormState {
  const ignore = init.ignoreVariables ?? [];
  const form: FormState = {
    dialect:           init.dialect,
    questions:         init.questions,
    chartValues:       init.chartValues,
    defaults:          init.defaults,
    ignoreVariables:   ignore,
    hiddenValuesCache: {},
    shown:             shownQuestions(init.questions, init.chartValues, init.dialect, ignore),
    slots:             new Map(),
  };

  settle(form);

  return form;
}

/**
 * The user answers a question: Questions/index.vue `update(variable, $event)` @ 17ad8a68 /
 * v2.14.4 does `set(this.value, variable, value)`; then the dialect's hidden-question behaviour and
 * the re-render run.
 */
export function answer(form: FormState, variable: string, value: unknown): void {
  set(form.chartValues, variable, value);
  settle(form);
}

/** The form's value is replaced by a new object (what the upstream tests do with `setProps`). */
export function setFormValues(form: FormState, values: AnyObject): void {
  form.chartValues = values;
  settle(form);
}

// ---------------------------------------------------------------------------------------------
// shell/pages/c/_cluster/apps/charts/install.vue
// ---------------------------------------------------------------------------------------------

/**
 * Ports install.vue computed `showCustomRegistry` @ 17ad8a68 (same at v2.14.4): the chart's
 * values.yaml defines `global.systemDefaultRegistry` or `global.cattle.systemDefaultRegistry`
 * (defined means not undefined; null and '' count).
 */
export function showCustomRegistry(chartValuesYaml: AnyObject | undefined): boolean {
  const global = chartValuesYaml?.global || {};

  return global.systemDefaultRegistry !== undefined || global.cattle?.systemDefaultRegistry !== undefined;
}

/** What addGlobalValuesTo / removeGlobalValuesFrom read from the store and the form. */
export interface GlobalValuesEnv {
  /** Defaults to 'head'. v2.14 has no pull-secret branch. */
  dialect?: Dialect;
  /** currentCluster.id (undefined without a current cluster). */
  clusterId: string | undefined;
  /** currentCluster.nameDisplay. */
  clusterName: string | undefined;
  /** The server-url setting's value; '' when unset. */
  serverUrl: string;
  /** spec.rancherKubernetesEngineConfig.prefixPath || ''. */
  rkePathPrefix: string;
  /** spec.rancherKubernetesEngineConfig.winPrefixPath || ''. */
  rkeWindowsPathPrefix: string;
  /** currentCluster.workerOSs includes 'windows'. */
  windows: boolean;
  /** The id (after the '/') of the project whose displayName is 'System', or ''. */
  systemProjectId: string;
  /** install.vue `showCustomRegistry`. */
  showCustomRegistry: boolean;
  /** What the registry field holds: cluster registry || global registry setting, what the user
   *  typed, or (HEAD, after unticking the box) undefined. */
  customRegistrySetting?: string | null | undefined;
  /** HEAD: `!!repo.spec.defaultImagePullSecrets?.length`. Default false. */
  showRegistryPullSecrets?: boolean;
  /** HEAD: the pull secret selected (or created) in the registry section. Default null. */
  registryPullSecret?: string | null | undefined;
}

/**
 * Ports install.vue `addGlobalValuesTo(values)` @ 17ad8a68 (HEAD) and @ v2.14.4 (no pull-secret
 * branch). Creates `global` and `global.cattle` when falsy; sets (only where `get` finds undefined)
 * cattle.clusterId, cattle.clusterName, global.cattle.systemProjectId, cattle.url,
 * cattle.rkePathPrefix, cattle.rkeWindowsPathPrefix and, on Windows clusters,
 * cattle.windows.enabled=true; when the chart shows the registry field, *always* overwrites
 * cattle.systemDefaultRegistry and global.systemDefaultRegistry with the field's content; HEAD with
 * repo pull secrets sets global.imagePullSecrets=[selected] or deletes it. Mutates and returns
 * `values`.
 */
export function addGlobalValuesTo(values: AnyObject, env: GlobalValuesEnv): AnyObject {
  let global = values.global;

  if (!global) {
    global = {};
    set(values, 'global', global);
  }

  let cattle = global.cattle;

  if (!cattle) {
    cattle = {};
    set(values.global, 'cattle', cattle);
  }

  const setIfNotSet = (obj: AnyObject, key: string, val: unknown): void => {
    if (typeof get(obj, key) === 'undefined') {
      set(obj, key, val);
    }
  };

  setIfNotSet(cattle, 'clusterId', env.clusterId);
  setIfNotSet(cattle, 'clusterName', env.clusterName);

  if (env.showCustomRegistry) {
    set(cattle, 'systemDefaultRegistry', env.customRegistrySetting);
    set(global, 'systemDefaultRegistry', env.customRegistrySetting);
  }

  if ((env.dialect ?? 'head') === 'head') {
    if (env.showRegistryPullSecrets && env.registryPullSecret) {
      set(global, 'imagePullSecrets', [env.registryPullSecret]);
    } else if (env.showRegistryPullSecrets) {
      delete global.imagePullSecrets;
    }
  }

  setIfNotSet(global, 'cattle.systemProjectId', env.systemProjectId);
  setIfNotSet(cattle, 'url', env.serverUrl);
  setIfNotSet(cattle, 'rkePathPrefix', env.rkePathPrefix);
  setIfNotSet(cattle, 'rkeWindowsPathPrefix', env.rkeWindowsPathPrefix);

  if (env.windows) {
    setIfNotSet(cattle, 'windows.enabled', true);
  }

  return values;
}

/**
 * Ports install.vue `removeGlobalValuesFrom(values)` @ 17ad8a68 (same at v2.14.4): deletes the
 * global.cattle keys clusterId, clusterName, url, rkePathPrefix, rkeWindowsPathPrefix (and on
 * Windows clusters windows.enabled) whose value is `===` the current one, then deletes emptied
 * windows / cattle / global objects. systemProjectId and the registry keys are *not* removed here.
 * Mutates and returns `values` (undefined for a falsy `values`).
 */
export function removeGlobalValuesFrom(values: AnyObject | undefined | null, env: GlobalValuesEnv): AnyObject | undefined {
  if (!values) {
    return undefined;
  }

  const deleteIfEqual = (obj: any, key: string, val: unknown): void => {
    if (get(obj, key) === val) {
      delete obj[key];
    }
  };

  if (values.global?.cattle) {
    deleteIfEqual(values.global.cattle, 'clusterId', env.clusterId);
    deleteIfEqual(values.global.cattle, 'clusterName', env.clusterName);
    deleteIfEqual(values.global.cattle, 'url', env.serverUrl);
    deleteIfEqual(values.global.cattle, 'rkePathPrefix', env.rkePathPrefix);
    deleteIfEqual(values.global.cattle, 'rkeWindowsPathPrefix', env.rkeWindowsPathPrefix);

    if (env.windows) {
      deleteIfEqual(values.global.cattle.windows, 'enabled', true);
    }
  }

  if (values.global?.cattle?.windows && !Object.keys(values.global.cattle.windows).length) {
    delete values.global.cattle.windows;
  }

  if (values.global?.cattle && !Object.keys(values.global.cattle).length) {
    delete values.global.cattle;
  }

  if (!Object.keys(values.global || {}).length) {
    delete values.global;
  }

  return values;
}

/** The chart version being installed, as the dashboard's store knows it. */
export interface RancherChart {
  /** chart.name (only used for install.helpers.js ignoreVariables). */
  name?: string;
  /** versionInfo.values: the chart's values.yaml as Rancher's API returns it. */
  values: Record<string, unknown>;
  /** The chart version's annotations (Chart.yaml annotations). */
  annotations?: Record<string, string>;
  /** versionInfo.questions.questions, when the chart has a questions.yaml. */
  questions?: Question[];
}

/** The cluster and Rancher settings the install page reads. */
export interface RancherCluster {
  clusterId: string;
  /** nameDisplay */
  clusterName: string;
  /** server-url setting */
  serverUrl: string;
  rkePathPrefix: string;
  rkeWindowsPathPrefix: string;
  windows: boolean;
  systemProjectId: string;
  /** The system-default-registry setting; '' when Rancher has none. */
  registrySetting: string;
  /** install.vue getClusterRegistry(): a cluster-scoped registry, if the cluster has one. */
  clusterRegistry?: string;
}

/** What the user does with the "container registry for Rancher system container images" box. */
export type RegistryChoice =
  | { kind: 'keep' }
  | { kind: 'type'; value: string }
  | { kind: 'uncheck' };

/** HEAD only: what the user does with the pull-secret selector of that section. */
export type PullSecretChoice =
  | { kind: 'keep' }
  | { kind: 'select'; name: string }
  /** Created through "create a new secret": install.vue finish() reads the name from the
   *  registerAuthSecret hook result, only when none is selected and not skipping. */
  | { kind: 'create'; name: string }
  | { kind: 'skip' };

export interface RancherFormOptions {
  /** Defaults to 'head'. */
  dialect?: Dialect;
  /** Install: the name typed when the chart has no catalog.cattle.io/release-name annotation. */
  releaseName?: string;
  /** Install: the namespace chosen when the chart has no catalog.cattle.io/namespace annotation.
   *  Defaults to 'default' (the store's defaultNamespace getter without a namespace filter). */
  namespace?: string;
  registry?: RegistryChoice;
  /** HEAD: names in the ClusterRepo's spec.defaultImagePullSecrets (showRegistryPullSecrets). */
  repoDefaultImagePullSecrets?: string[];
  pullSecret?: PullSecretChoice;
  /** Whether values go through the YAML editor (install.vue `showingYaml`). Defaults to true for
   *  charts without questions, which is the only view the dashboard offers them. */
  yamlEditor?: boolean;
}

/** Edits the values the way the form does: directly (YAML editor) or through `answer(form, ...)`. */
export type AnswerFn = (chartValues: AnyObject, form: FormState | undefined) => void;

export interface RancherResult {
  releaseName: string | undefined;
  namespace: string | undefined;
  /** chart.values of the install/upgrade request, as it goes over the wire (JSON). */
  values: Record<string, unknown>;
  /** install.vue chartValues at the moment of finish(). */
  chartValues: AnyObject;
  /** HEAD: the request carries ?skipPullSecrets=true. */
  skipPullSecrets: boolean;
  /** What the registry field held at finish() (install.vue customRegistrySetting). */
  customRegistrySetting: string | null | undefined;
  /** HEAD: install.vue registryPullSecret at finish(). */
  registryPullSecret: string | null | undefined;
}

/** Glue (no upstream counterpart): what install.vue reads from the store for the global values. */
function clusterEnv(cluster: RancherCluster, dialect: Dialect, showRegistry: boolean): GlobalValuesEnv {
  return {
    dialect,
    clusterId:            cluster.clusterId,
    clusterName:          cluster.clusterName,
    serverUrl:            cluster.serverUrl || '',
    rkePathPrefix:        cluster.rkePathPrefix || '',
    rkeWindowsPathPrefix: cluster.rkeWindowsPathPrefix || '',
    windows:              cluster.windows,
    systemProjectId:      cluster.systemProjectId || '',
    showCustomRegistry:   showRegistry,
  };
}

/**
 * One pass through install.vue @ 17ad8a68 / v2.14.4: fetch() for the version being installed (no
 * version switch in the form), the user's edits, finish() -> actionInput(isUpgrade).
 */
function runInstallPage(
  chart: RancherChart,
  existing: { values: AnyObject; name?: string; namespace?: string } | undefined,
  answers: AnswerFn | undefined,
  cluster: RancherCluster,
  opts: RancherFormOptions,
): RancherResult {
  const dialect = opts.dialect ?? 'head';
  // versionInfo.values: the dashboard's own copy; the form may alias parts of it (see FormState).
  const versionValues: AnyObject = _.cloneDeep(chart.values ?? {});
  const annotations = chart.annotations ?? {};
  const showRegistry = showCustomRegistry(versionValues);
  const showPullSecrets = (opts.repoDefaultImagePullSecrets?.length ?? 0) > 0;

  if (dialect === 'v2.14' && (showPullSecrets || (opts.pullSecret && opts.pullSecret.kind !== 'keep'))) {
    throw new Error('rancher-dashboard port: v2.14.4 has no registry pull-secret selector');
  }

  // fetch(): forceNamespace / value.metadata (install.vue @ 17ad8a68 lines 167-226).
  let releaseName: string | undefined;
  let namespace: string | undefined;

  if (existing) {
    namespace = existing.namespace;
    releaseName = existing.name;
  } else {
    const forcedNamespace = annotations[CATALOG_NAMESPACE_ANNOTATION];
    const fixedName = annotations[CATALOG_RELEASE_NAME_ANNOTATION];

    if (forcedNamespace && opts.namespace !== undefined && opts.namespace !== forcedNamespace) {
      throw new Error(`rancher-dashboard port: the chart forces namespace ${ forcedNamespace }; the form cannot change it`);
    }
    if (fixedName && opts.releaseName !== undefined && opts.releaseName !== fixedName) {
      throw new Error(`rancher-dashboard port: the chart fixes the release name ${ fixedName }; the form disables the name field`);
    }
    namespace = forcedNamespace || opts.namespace || 'default';
    releaseName = fixedName || opts.releaseName || '';
    if (!releaseName) {
      throw new Error('rancher-dashboard port: no release name (the chart has no catalog.cattle.io/release-name annotation and none was typed)');
    }
  }

  const defaultRegistrySetting = showRegistry ? (cluster.clusterRegistry || cluster.registrySetting) : '';
  const env = clusterEnv(cluster, dialect, showRegistry);

  // fetch(): userValues, removeGlobalValuesFrom, mergeWithReplace.
  const userValues: AnyObject = existing ? clone(existing.values || {}) : {};

  removeGlobalValuesFrom(userValues, env);

  let chartValues: AnyObject = mergeWithReplace(_.merge({}, versionValues), userValues);
  let customRegistrySetting: string | null | undefined = '';
  let showCustomRegistryInput = false;

  if (showRegistry) {
    const existingRegistry = chartValues?.global?.systemDefaultRegistry || chartValues?.global?.cattle?.systemDefaultRegistry;

    delete chartValues?.global?.systemDefaultRegistry;
    delete chartValues?.global?.cattle?.systemDefaultRegistry;

    customRegistrySetting = existingRegistry || defaultRegistrySetting;
    showCustomRegistryInput = !!customRegistrySetting;
  }

  let registryPullSecret: string | null | undefined = null;
  let skipPullSecrets = false;

  if (dialect === 'head' && existing && showPullSecrets) {
    const existingPullSecrets = chartValues?.global?.imagePullSecrets;

    if (Array.isArray(existingPullSecrets) && existingPullSecrets.length === 1) {
      registryPullSecret = existingPullSecrets[0];
    }
  }

  // Step 1: the registry section (shell/components/form/PrivateRegistry.vue @ 17ad8a68 at HEAD,
  // a Checkbox + LabeledInput at v2.14.4); rendered only when showCustomRegistry.
  const registry = opts.registry ?? { kind: 'keep' };

  if (registry.kind !== 'keep' && !showRegistry) {
    throw new Error('rancher-dashboard port: the chart defines no systemDefaultRegistry, so the dashboard shows no registry field');
  }
  if (registry.kind === 'type') {
    showCustomRegistryInput = true;
    customRegistrySetting = registry.value;
  } else if (registry.kind === 'uncheck') {
    if (dialect === 'head' && showCustomRegistryInput && customRegistrySetting) {
      // PrivateRegistry `watch(showInput)`: emits update:value and update:pullSecret undefined.
      customRegistrySetting = undefined;
      registryPullSecret = undefined;
    }
    showCustomRegistryInput = false;
  }

  const pullSecret = opts.pullSecret ?? { kind: 'keep' };

  if (pullSecret.kind !== 'keep' && !(showRegistry && showPullSecrets)) {
    throw new Error('rancher-dashboard port: the pull-secret selector is only shown for charts with a registry field in repos with defaultImagePullSecrets');
  }

  if (pullSecret.kind === 'select') {
    registryPullSecret = pullSecret.name;
    // PrivateRegistry `watch(() => props.pullSecret)`: a secret without a registry fills in the
    // default registry (props.defaultRegistry, else the setting), which ticks the box.
    if (showRegistry && !customRegistrySetting) {
      customRegistrySetting = defaultRegistrySetting || cluster.registrySetting;
      showCustomRegistryInput = !!customRegistrySetting || showCustomRegistryInput;
    }
  } else if (pullSecret.kind === 'skip') {
    skipPullSecrets = true;
    registryPullSecret = undefined;
  }

  // Step 2: the values (Questions form, or the YAML editor).
  let form: FormState | undefined;

  if (chart.questions) {
    form = createForm({
      dialect,
      questions:       chart.questions,
      chartValues,
      defaults:        versionValues,
      ignoreVariables: ignoreVariables(chart.name),
    });
  }

  answers?.(chartValues, form);

  if (form) {
    chartValues = form.chartValues;
  }

  // finish(): a secret created by the registerAuthSecret hook (install.vue @ 17ad8a68 finish()).
  if (pullSecret.kind === 'create' && showPullSecrets && !skipPullSecrets && !registryPullSecret) {
    registryPullSecret = pullSecret.name;
  }

  // finish() -> actionInput(isUpgrade).
  if (opts.yamlEditor ?? !chart.questions) {
    // applyYamlToValues(): chartValues = jsyaml.load(valuesYaml), valuesYaml being saferDump of
    // the values as edited. Modelled as a JSON round trip (js-yaml drops undefined keys as JSON
    // does; values coming from Rancher's API are JSON already).
    chartValues = JSON.parse(JSON.stringify(chartValues ?? {}));
  }

  const values = diff(versionValues, chartValues);

  addGlobalValuesTo(values, {
    ...env,
    customRegistrySetting,
    showRegistryPullSecrets: showPullSecrets,
    registryPullSecret,
  });

  return {
    releaseName,
    namespace,
    values: JSON.parse(JSON.stringify(values)),
    chartValues,
    skipPullSecrets,
    customRegistrySetting,
    registryPullSecret,
  };
}

/**
 * A new install through Apps & Marketplace (install.vue @ 17ad8a68 or v2.14.4): userValues = {},
 * chartValues = values.yaml, the registry field gets cluster registry || registry setting, the
 * user's edits, then values = diff(values.yaml, chartValues) + addGlobalValuesTo. The release name
 * and namespace come from the catalog.cattle.io/release-name and catalog.cattle.io/namespace
 * annotations when the chart has them (the form then disables those fields).
 */
export function rancherInstall(
  chart: RancherChart,
  answers: AnswerFn | undefined,
  cluster: RancherCluster,
  opts: RancherFormOptions = {},
): RancherResult & { releaseName: string; namespace: string } {
  return runInstallPage(chart, undefined, answers, cluster, opts) as RancherResult & { releaseName: string; namespace: string };
}

/**
 * An upgrade of an installed app to `newChart` (install.vue @ 17ad8a68 or v2.14.4, `existing` set):
 * userValues = clone(existing.values) - at both versions that is the helm release's Config, read
 * from the release Secret with ?includeHelmData=true (shell/models/catalog.cattle.io.app.js
 * `_values` = `_secret.data.release.config`); removeGlobalValuesFrom; chartValues =
 * mergeWithReplace(newChart values.yaml, userValues); the registry keys move into the registry field;
 * the user's edits; values = diff(new values.yaml, chartValues) + addGlobalValuesTo; the request
 * carries resetValues (the "Reset Values" box of the Helm options step; false unless ticked).
 */
export function rancherUpgrade(
  newChart: RancherChart,
  existing: { values: Record<string, unknown>; name?: string; namespace?: string },
  answers: AnswerFn | undefined,
  cluster: RancherCluster,
  opts: RancherFormOptions & { resetValues: boolean },
): RancherResult & { resetValues: boolean } {
  return { ...runInstallPage(newChart, existing, answers, cluster, opts), resetValues: opts.resetValues };
}

// ---------------------------------------------------------------------------------------------
// rancher/rancher and helm
// ---------------------------------------------------------------------------------------------

/**
 * The values the dashboard reads as `existing.values` for an installed app.
 *
 * What the brief describes - rancher/rancher pkg/catalogv2/helm/helm3.go `fromHelm3ReleaseToRelease`
 * setting `hr.Values["systemDefaultRegistry"] = settings.SystemDefaultRegistry.Get()` when the
 * setting is non-empty - exists only in commit 755ae8b88816 ("Add system global registry to helm
 * chart", 2020-08-28), which is reachable only from refs/pull/28621/head: it was never merged.
 * helm3.go at v2.5.0, v2.6.0, v2.9.0, v2.14.4 and HEAD 59bd052e (2026-08-21) has no such line; since
 * c9f4a65626 (2024-10-28, Rancher v2.10.0) it does not even fill spec.values. And the dashboard
 * (since 55bbc2ddac / a61f832a36, v2.10.0) reads the helm release Secret through Steve's
 * `includeHelmData` formatter (rancher/steve pkg/resources/formatters/formatter.go HandleHelmData),
 * which passes the stored release JSON through unchanged. So the real answer is the release Config
 * itself; `registrySetting` does not matter.
 *
 * `{ unmergedPr28621: true }` reproduces that never-released variant (and its panic on a nil Config).
 */
export function appValuesAsRancherShowsThem(
  releaseConfig: Record<string, unknown> | null | undefined,
  registrySetting: string,
  opts: { unmergedPr28621?: boolean } = {},
): Record<string, unknown> {
  if (opts.unmergedPr28621 && registrySetting !== '') {
    if (releaseConfig === null || releaseConfig === undefined) {
      throw new Error('assignment to entry in nil map');
    }

    return { ...clone(releaseConfig), systemDefaultRegistry: registrySetting };
  }

  return clone(releaseConfig ?? {});
}

/**
 * The user-supplied values (release Config) helm stores for an upgrade, per helm/helm
 * pkg/action/upgrade.go `reuseValues` (v3.18; unchanged in v4, read at helm/helm 00669cdb):
 * with ResetValues the new values alone; neither ResetValues nor ReuseValues nor
 * ResetThenReuseValues (what Rancher's helm operation and Fleet's agent run): the old Config only
 * when the new values are empty and the old Config is not. Rancher passes `--reset-values=true` only
 * when the request's resetValues is true (rancher/rancher pkg/catalogv2/helmop/operation.go renders
 * ChartUpgrade fields as flags; omitempty drops false).
 */
export function helmUpgradeValues(
  sent: Record<string, unknown>,
  oldConfig: Record<string, unknown> | null | undefined,
  resetValues: boolean,
): Record<string, unknown> {
  if (resetValues) {
    return sent;
  }

  if (Object.keys(sent ?? {}).length === 0 && Object.keys(oldConfig ?? {}).length > 0) {
    return oldConfig as Record<string, unknown>;
  }

  return sent;
}
