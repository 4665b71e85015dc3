import { isDeepStrictEqual } from 'node:util';
import YAML from 'yaml';
import type { ChartFileMap } from './archive.ts';

/**
 * What a new chart version changes against the one before it, as Chart.yaml's
 * `artifacthub.io/changes` annotation: a YAML list of `kind` and `description` (Artifact Hub,
 * artifacthub/hub docs/helm_annotations.md: kinds added, changed, deprecated, removed, fixed
 * and security; Artifact Hub shows it as the version's changelog, Rancher keeps it among the
 * index annotations).
 *
 * It is worked out from the two versions' files, not from commit messages, so it names what
 * an operator sees (a value, its default, a template, the images) and two builds of the same
 * sources write the same bytes. Whether a change is a fix or a security fix cannot be read
 * from files; those are reported as `changed`.
 */
export interface Change {
  kind: 'added' | 'changed' | 'removed';
  description: string;
}

export const CHANGES_ANNOTATION = 'artifacthub.io/changes';
const IMAGES_ANNOTATION = 'artifacthub.io/images';

type Files = ReadonlyMap<string, string | Buffer>;

/** The changes annotation of the first version of a chart. */
export const firstVersion = (chart: string): Change[] => [{ kind: 'added', description: `First version of the ${chart} chart` }];

/** From the version before (`before`, as published) to `after` (the new files, Chart.yaml at any version). */
export function chartChanges(before: Files, after: ChartFileMap): Change[] {
  const changes = [...metadataChanges(before, after), ...valueChanges(before, after), ...templateChanges(before, after)];
  const documents = [...new Set([...before.keys(), ...after.keys()])]
    .filter((f) => f !== 'Chart.yaml' && f !== 'values.yaml' && !f.startsWith('templates/') && !sameBytes(before.get(f), after.get(f)))
    .sort();
  if (documents.length > 0) changes.push({ kind: 'changed', description: `Updated ${documents.join(', ')}` });
  return changes;
}

/**
 * The same changes said shorter, for a terminal (kubevision diff, the build summary): one value
 * added to each workload is one line ("Value tolerateTaints (default []) of global, auth,
 * face"), and templates of one kind share a line. The annotation keeps one change per item.
 */
export function groupedChanges(changes: readonly Change[]): Change[] {
  const out: Change[] = [];
  const groups = new Map<string, { at: number; owners: string[] }>();
  const join = (key: string, owner: string, make: (owners: string[]) => string, kind: Change['kind']) => {
    const g = groups.get(key);
    if (g) {
      g.owners.push(owner);
      out[g.at] = { kind, description: make(g.owners) };
    } else {
      groups.set(key, { at: out.length, owners: [owner] });
      out.push({ kind, description: make([owner]) });
    }
  };
  for (const c of changes) {
    const value = /^Value (.+)\.([^.\s]+)( \(default .*\))?$/.exec(c.description);
    const template = /^Template (templates\/\S+)$/.exec(c.description);
    if (value) {
      const [, owner, leaf, rest = ''] = value;
      join(`${c.kind} value ${leaf}${rest}`, owner!, (o) => (o.length === 1 ? `Value ${o[0]}.${leaf}${rest}` : `Value ${leaf}${rest} of ${o.join(', ')}`), c.kind);
    } else if (template) {
      join(`${c.kind} template`, template[1]!, (o) => `${o.length === 1 ? 'Template' : 'Templates'} ${o.join(', ')}`, c.kind);
    } else out.push(c);
  }
  return out;
}

/** The annotation's value. */
export const renderChanges = (changes: Change[]): string => YAML.stringify(changes, { lineWidth: 0 });

/** The annotation a published Chart.yaml carries (versions published before it existed have none). */
export function publishedChanges(chartYaml: string | Buffer | undefined): string | undefined {
  if (chartYaml === undefined) return undefined;
  const meta = YAML.parse(String(chartYaml)) as { annotations?: Record<string, unknown> } | null;
  const value = meta?.annotations?.[CHANGES_ANNOTATION];
  return typeof value === 'string' ? value : undefined;
}

function metadataChanges(before: Files, after: Files): Change[] {
  const a = chartMeta(before);
  const b = chartMeta(after);
  const out: Change[] = [];
  if (a.appVersion !== b.appVersion) out.push({ kind: 'changed', description: `Application version ${String(a.appVersion)} to ${String(b.appVersion)}` });
  const imagesA = images(a);
  const imagesB = images(b);
  for (const [name, image] of imagesB) {
    const old = imagesA.get(name);
    if (old === undefined) out.push({ kind: 'added', description: `Image ${image} (${name})` });
    else if (old !== image) out.push({ kind: 'changed', description: `Image of ${name}: ${old} to ${image}` });
  }
  for (const [name, image] of imagesA) if (!imagesB.has(name)) out.push({ kind: 'removed', description: `Image ${image} (${name}) is no longer pulled` });
  const { version: _va, appVersion: _aa, annotations: _na, ...restA } = a;
  const { version: _vb, appVersion: _ab, annotations: _nb, ...restB } = b;
  const keys = [...new Set([...Object.keys(restA), ...Object.keys(restB)])].filter((k) => !isDeepStrictEqual(restA[k], restB[k])).sort();
  if (keys.length > 0) out.push({ kind: 'changed', description: `Chart metadata: ${keys.join(', ')}` });
  const annA = annotations(a);
  const annB = annotations(b);
  for (const key of [...new Set([...Object.keys(annA), ...Object.keys(annB)])].sort()) {
    if (key === CHANGES_ANNOTATION || key === IMAGES_ANNOTATION) continue;
    const [x, y] = [annA[key], annB[key]];
    if (x === y) continue;
    if (x === undefined) out.push({ kind: 'added', description: `Annotation ${key}: ${show(y)}` });
    else if (y === undefined) out.push({ kind: 'removed', description: `Annotation ${key}` });
    else out.push({ kind: 'changed', description: `Annotation ${key}: ${show(x)} to ${show(y)}` });
  }
  return out;
}

function valueChanges(before: Files, after: Files): Change[] {
  const a = leaves(parse(before.get('values.yaml')));
  const b = leaves(parse(after.get('values.yaml')));
  const out: Change[] = [];
  for (const [key, value] of b) {
    if (!a.has(key)) out.push({ kind: 'added', description: `Value ${key} (default ${show(value)})` });
    else if (!isDeepStrictEqual(a.get(key), value)) out.push({ kind: 'changed', description: `Default of ${key}: ${show(a.get(key))} to ${show(value)}` });
  }
  for (const key of a.keys()) if (!b.has(key)) out.push({ kind: 'removed', description: `Value ${key}` });
  return out;
}

function templateChanges(before: Files, after: Files): Change[] {
  const names = [...new Set([...before.keys(), ...after.keys()])].filter((f) => f.startsWith('templates/')).sort();
  return names.flatMap((f): Change[] => {
    if (!before.has(f)) return [{ kind: 'added', description: `Template ${f}` }];
    if (!after.has(f)) return [{ kind: 'removed', description: `Template ${f}` }];
    return sameBytes(before.get(f), after.get(f)) ? [] : [{ kind: 'changed', description: `Template ${f}` }];
  });
}

const parse = (data: string | Buffer | undefined): unknown => (data === undefined ? undefined : YAML.parse(String(data)));
const chartMeta = (files: Files) => (parse(files.get('Chart.yaml')) ?? {}) as Record<string, unknown>;

const annotations = (meta: Record<string, unknown>) => (meta.annotations ?? {}) as Record<string, unknown>;

function images(meta: Record<string, unknown>): Map<string, string> {
  const list = parse(annotations(meta)[IMAGES_ANNOTATION] as string | undefined);
  return new Map(Array.isArray(list) ? list.map((i: { name: string; image: string }) => [i.name, i.image]) : []);
}

/** Every value by its dotted path; lists and empty maps count as one value, as `--set` sees them. */
function leaves(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.set(prefix, value);
  return out;
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'null');

function sameBytes(a: string | Buffer | undefined, b: string | Buffer | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Buffer.from(a).equals(Buffer.from(b));
}
