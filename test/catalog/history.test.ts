import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitSnapshot, git, violations, worktreeSnapshot } from '../support/history.ts';
import { PROJECT_ROOT } from '../support/paths.ts';
import { tempDirs } from '../support/temp.ts';

/**
 * The release rules (test/support/history.ts) hold in this repository's history from the
 * commit that introduced this test, the day the catalogs became append-only and every
 * chart change a new version; and they hold for the working tree against HEAD, so a
 * change breaks them here before it is committed.
 */
const TOPS = ['charts', 'catalog'];
const tempDir = tempDirs();

const isRepo = (() => {
  try {
    return git(PROJECT_ROOT, 'rev-parse', '--is-inside-work-tree').trim() === 'true';
  } catch {
    return false;
  }
})();

describe.runIf(isRepo)('the release rules over this repository', () => {
  const me = path.relative(PROJECT_ROOT, new URL(import.meta.url).pathname);
  const added = git(PROJECT_ROOT, 'log', '--diff-filter=A', '--format=%H', '--', me).trim().split('\n').filter(Boolean);
  const start = added.at(-1);

  it('hold for every commit since this test came in', () => {
    if (!start) return; // this test is not committed yet: only the working tree can be checked
    const shallow = git(PROJECT_ROOT, 'rev-parse', '--is-shallow-repository').trim() === 'true';
    const commits = git(PROJECT_ROOT, 'rev-list', '--reverse', '--first-parent', `${start}..HEAD`).split('\n').filter(Boolean);
    if (shallow) console.warn(`shallow clone: checking the ${commits.length} commit(s) after ${start.slice(0, 8)} that are present`);
    const problems: string[] = [];
    let before = commitSnapshot(PROJECT_ROOT, start, TOPS);
    for (const c of commits) {
      const after = commitSnapshot(PROJECT_ROOT, c, TOPS);
      problems.push(...violations(before, after));
      before = after;
    }
    expect(problems).toEqual([]);
  });

  it('hold for the working tree against HEAD', () => {
    expect(violations(commitSnapshot(PROJECT_ROOT, 'HEAD', TOPS), worktreeSnapshot(PROJECT_ROOT, TOPS))).toEqual([]);
  });
});

describe('the rule checker', () => {
  /** A throwaway repository with one chart and one catalog, then a change to it. */
  function repo(): { dir: string; commit: (files: Record<string, string | null>, message: string) => void } {
    const dir = tempDir('history');
    const run = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
    run('init', '-q');
    run('config', 'user.email', 'test@example.com');
    run('config', 'user.name', 'test');
    return {
      dir,
      commit(files, message) {
        for (const [rel, text] of Object.entries(files)) {
          const file = path.join(dir, rel);
          if (text === null) rmSync(file);
          else {
            mkdirSync(path.dirname(file), { recursive: true });
            writeFileSync(file, text);
          }
        }
        run('add', '-A');
        run('commit', '-q', '-m', message);
      },
    };
  }
  const index = (versions: [string, string][]) =>
    `apiVersion: v1\nentries:\n  demo:\n${versions.map(([v, d]) => `  - name: demo\n    version: ${v}\n    digest: ${d}\n    urls: [assets/demo/demo-${v}.tgz]\n`).join('')}`;
  const base = {
    'charts/demo/Chart.yaml': 'name: demo\nversion: 0.1.0\n',
    'charts/demo/values.yaml': 'a: 1\n',
    'catalog/plant/index.yaml': index([['0.1.0', 'd1']]),
    'catalog/plant/assets/demo/demo-0.1.0.tgz': 'v1',
  };
  const check = (r: { dir: string }) => violations(commitSnapshot(r.dir, 'HEAD~1', TOPS), commitSnapshot(r.dir, 'HEAD', TOPS));

  it('accepts a change published under a higher version beside the old one', () => {
    const r = repo();
    r.commit(base, 'first');
    r.commit(
      {
        'charts/demo/Chart.yaml': 'name: demo\nversion: 0.1.1\n',
        'charts/demo/values.yaml': 'a: 2\n',
        'catalog/plant/index.yaml': index([['0.1.1', 'd2'], ['0.1.0', 'd1']]),
        'catalog/plant/assets/demo/demo-0.1.1.tgz': 'v2',
      },
      'bump',
    );
    expect(check(r)).toEqual([]);
  });

  it('finds a chart that changed under the same version, as ct lint does', () => {
    const r = repo();
    r.commit(base, 'first');
    r.commit({ 'charts/demo/values.yaml': 'a: 2\n' }, 'sneaky');
    expect(check(r)).toEqual([expect.stringContaining('charts/demo changed but its version went from 0.1.0 to 0.1.0')]);
  });

  it('finds a published archive rewritten, removed, or dropped from the index', () => {
    const r = repo();
    r.commit(base, 'first');
    r.commit({ 'catalog/plant/assets/demo/demo-0.1.0.tgz': 'other bytes' }, 'rewrite');
    expect(check(r)).toEqual([expect.stringContaining('published file catalog/plant/assets/demo/demo-0.1.0.tgz changed its bytes')]);
    r.commit({ 'catalog/plant/assets/demo/demo-0.1.0.tgz': null, 'catalog/plant/index.yaml': index([]) }, 'remove');
    expect(check(r)).toEqual([
      expect.stringContaining('published file catalog/plant/assets/demo/demo-0.1.0.tgz was removed'),
      expect.stringContaining('no longer lists demo 0.1.0'),
    ]);
  });
});
