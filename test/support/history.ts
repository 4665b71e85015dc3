import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { gt, valid } from 'semver';

/**
 * The release rules replayed over git history, commit by commit:
 *
 * - chart-testing's version check (`ct lint --check-version-increment`, helm/chart-testing
 *   pkg/chart/chart.go CheckVersionIncrement): a chart folder that changed must carry a
 *   higher version than before (semver);
 * - the catalog is append-only: every published archive and unpacked version keeps its bytes,
 *   and every version an index listed stays listed with the same digest.
 */

/** path -> git blob id of every file below the given top folders. */
export type Tree = Map<string, string>;

export interface Snapshot {
  label: string;
  tree: Tree;
  read(file: string): string;
}

export function git(repo: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
}

export function commitSnapshot(repo: string, commit: string, tops: string[]): Snapshot {
  const tree: Tree = new Map();
  for (const line of git(repo, 'ls-tree', '-r', '-z', commit, '--', ...tops).split('\0')) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line);
    if (m) tree.set(m[2]!, m[1]!);
  }
  const subject = git(repo, 'log', '-1', '--format=%h %s', commit).trim();
  return { label: subject, tree, read: (file) => git(repo, 'show', `${commit}:${file}`) };
}

const blobId = (data: Buffer) => createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');

export function worktreeSnapshot(repo: string, tops: string[]): Snapshot {
  const tree: Tree = new Map();
  const walk = (rel: string) => {
    const abs = path.join(repo, rel);
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) tree.set(child, blobId(readFileSync(path.join(repo, child))));
    }
  };
  for (const t of tops) if (existsSync(path.join(repo, t))) walk(t);
  return { label: 'the working tree', tree, read: (file) => readFileSync(path.join(repo, file), 'utf8') };
}

const under = (tree: Tree, dir: string) => [...tree].filter(([p]) => p.startsWith(`${dir}/`));
const chartNames = (tree: Tree) => new Set([...tree.keys()].map((p) => /^charts\/([^/]+)\/Chart\.yaml$/.exec(p)?.[1]).filter((n): n is string => !!n));
const versionOf = (s: Snapshot, chart: string) => (YAML.parse(s.read(`charts/${chart}/Chart.yaml`)) as { version: string }).version;

interface Listed {
  version: string;
  digest: string;
}
function indexOf(s: Snapshot, file: string): Map<string, Listed[]> {
  const doc = YAML.parse(s.read(file)) as { entries?: Record<string, Listed[]> };
  return new Map(Object.entries(doc.entries ?? {}));
}

/** Every way `after` breaks the rules relative to `before`; empty when it keeps them. */
export function violations(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  const at = `${after.label}`;
  for (const chart of chartNames(before.tree)) {
    if (!chartNames(after.tree).has(chart)) continue;
    const a = under(before.tree, `charts/${chart}`);
    const b = under(after.tree, `charts/${chart}`);
    const same = a.length === b.length && a.every(([p, id]) => after.tree.get(p) === id);
    if (same) continue;
    const from = versionOf(before, chart);
    const to = versionOf(after, chart);
    if (!valid(to) || !valid(from) || !gt(to, from)) out.push(`${at}: charts/${chart} changed but its version went from ${from} to ${to} (ct lint: needs a version bump)`);
  }
  for (const [p, id] of before.tree) {
    if (!/^catalog\/[^/]+\/(assets|charts)\//.test(p)) continue;
    const now = after.tree.get(p);
    if (now === undefined) out.push(`${at}: published file ${p} was removed`);
    else if (now !== id) out.push(`${at}: published file ${p} changed its bytes`);
  }
  for (const p of before.tree.keys()) {
    if (!/^catalog\/[^/]+\/index\.yaml$/.test(p)) continue;
    if (!after.tree.has(p)) {
      out.push(`${at}: ${p} was removed`);
      continue;
    }
    const then = indexOf(before, p);
    const now = indexOf(after, p);
    for (const [chart, versions] of then) {
      for (const v of versions) {
        const still = now.get(chart)?.find((x) => x.version === v.version);
        if (!still) out.push(`${at}: ${p} no longer lists ${chart} ${v.version}`);
        else if (still.digest !== v.digest) out.push(`${at}: ${p} lists ${chart} ${v.version} with another digest`);
      }
    }
  }
  return out;
}
