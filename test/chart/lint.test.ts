import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HelmMajor } from '../../src/helm/binary.ts';
import { genericChartDir, helm, plantChartDir, plantIds, plantOverridesFile } from '../support/plants.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'kubevision-lint-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** chart-testing style: every chart, once per plant values file, with Rancher's Helm 3 and with Helm 4. */
describe.each<HelmMajor>([3, 4])('helm %i lint --strict', (major) => {
  const lint = async (chart: string, ...args: string[]) => {
    const r = await helm(['lint', '--strict', chart, ...args], { major });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('0 chart(s) failed');
  };

  it('generic chart with its defaults (installable as is)', () => lint(genericChartDir()));

  it.each(plantIds())('generic chart with the overrides of %s', (id) => lint(genericChartDir(), '-f', plantOverridesFile(id, tmp)));

  it.each(plantIds())('chart of %s', (id) => lint(plantChartDir(id)));
});
