import type { ValuePath } from '../params/dsl.ts';
import type { KubeVisionValues } from '../params/kubevision.ts';

declare const goBrand: unique symbol;

/**
 * A Go template expression (what goes inside `{{ }}`). Only the builders below make one, so
 * the constructs never write template text: a value path is checked against the values'
 * declarations, a helper name against the helpers the chart defines, and parentheses and
 * quoting are right by construction.
 */
export type Go = string & { readonly [goBrand]: true };

const go = (text: string) => text as Go;

/** A path into the chart's values, checked against their declarations when it compiles. */
export type ChartPath = ValuePath<KubeVisionValues>;

/**
 * The named templates of src/chart/_helpers.tpl, src/placement/_placement.tpl and _contract.tpl
 * (test/chart/helpers.test.ts holds this list equal to their defines).
 */
export const HELPERS = [
  'adminData', 'adminSecret', 'authCookieSecure', 'bytes', 'chart', 'clusterSecretChecksum',
  'contract', 'credentialsData', 'credentialsSecret', 'faceBackend', 'faceGpu', 'failOnProblems',
  'fullname', 'generatesSecret', 'image', 'imagePullSecrets', 'ingressAnnotations', 'ingressHost',
  'ingressTls', 'labels', 'mapBytes', 'millicores', 'mongodbData', 'mongodbSecret',
  'mongodbUriKey', 'multiReplica', 'name', 'outage', 'podAnnotations', 'registry', 'releaseProblems',
  'replicas', 'resources', 'scheduling', 'secretChecksum', 'selectorLabels', 'sites',
  'stableSecret', 'storageClass', 'toleration', 'tolerationOf', 'trafficDistribution',
] as const;
export type Helper = (typeof HELPERS)[number];

/** The template functions the constructs use (Go's and Sprig's). */
type Fn = 'and' | 'or' | 'not' | 'eq' | 'mul' | 'ternary' | 'list' | 'concat' | 'join' | 'quote';

/** A template variable, `$name` (for the one template that collects values in one). */
export const variable = (name: string): Go => go(`$${name}`);

/** The root context, `.`. */
export const root = go('.');
export const release = { name: go('.Release.Name'), namespace: go('.Release.Namespace') };

/** `.Values.<path>`: a renamed or misspelt value fails to compile instead of rendering empty. */
export const ref = (path: ChartPath): Go => go(`.Values.${path}`);

/** A literal: strings quoted as Go reads them (JSON's escapes are Go's). */
export const lit = (v: string | number | boolean): Go => go(typeof v === 'string' ? JSON.stringify(v) : String(v));

/** An argument: a path, variable or literal as it is, anything longer in parentheses. */
const ATOM = /^(?:[.$][\w.]*|-?\d+|true|false|"(?:[^"\\]|\\.)*")$/;
const arg = (e: Go) => (ATOM.test(e) ? e : `(${e})`);

export const call = (fn: Fn, ...args: Go[]): Go => go([fn, ...args.map(arg)].join(' '));

/** `e | fn args…`: the value of e as the last argument of fn. */
export const pipe = (e: Go, fn: Fn, ...args: Go[]): Go => go(`${e} | ${call(fn, ...args)}`);

/**
 * A helper with one argument (`include "kubevision.x" .`) or named ones, as a dict
 * (`include "kubevision.x" (dict "ctx" . "gpu" true)`): the helpers take named arguments.
 */
export function include(helper: Helper, args: Go | Record<string, Go>): Go {
  const a = typeof args === 'string' ? arg(args) : `(dict ${Object.entries(args).map(([k, v]) => `${JSON.stringify(k)} ${arg(v)}`).join(' ')})`;
  return go(`include "kubevision.${helper}" ${a}`);
}
