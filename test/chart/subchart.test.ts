import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { helm } from '../../src/helm/run.ts';
import { parseManifests } from '../../src/plan/render.ts';
import { images } from '../support/consumer-charts.ts';
import { genericChartDir } from '../support/plants.ts';
import { tempDirs } from '../support/temp.ts';

/**
 * KubeVision as a subchart of a machine builder's own umbrella chart. Helm gives every
 * subchart the parent's `global` values whole (helm/helm pkg/chart/v2/util/coalesce.go
 * coalesceGlobals copies the parent's globals into each subchart's), then checks each
 * chart's values against its own schema (pkg/chart/v2/util/jsonschema.go
 * ValidateAgainstSchema walks the dependencies): a schema that closes `global` refuses
 * every global the parent declares for its other subcharts.
 */
const temp = tempDirs();

function umbrella(values: Record<string, unknown>): string {
  const dir = temp('umbrella');
  const sub = YAML.parse(readFileSync(path.join(genericChartDir(), 'Chart.yaml'), 'utf8')) as { version: string };
  mkdirSync(path.join(dir, 'charts'));
  cpSync(genericChartDir(), path.join(dir, 'charts/kubevision'), { recursive: true });
  writeFileSync(
    path.join(dir, 'Chart.yaml'),
    YAML.stringify({ apiVersion: 'v2', name: 'plant-stack', version: '1.0.0', dependencies: [{ name: 'kubevision', version: sub.version, repository: 'file://charts/kubevision' }] }),
  );
  writeFileSync(path.join(dir, 'values.yaml'), YAML.stringify(values));
  return dir;
}

describe.each([3, 4] as const)('KubeVision as a subchart (Helm %i)', (major) => {
  it("renders with the parent's own globals, and takes the declared ones (the registry mirror) from it", async () => {
    const dir = umbrella({ global: { plantCode: 'linz-01', monitoring: { enabled: true }, imageRegistry: 'mirror.example.com:5000' } });
    const r = await helm(['template', 'stack', dir, '--namespace', 'kubevision'], { major });
    expect(r.code, r.stderr).toBe(0);
    const objs = parseManifests(r.stdout);
    expect(objs.filter((o) => o.kind === 'Deployment').length).toBeGreaterThanOrEqual(3);
    const pulled = images(objs);
    expect(pulled.length).toBeGreaterThan(0);
    for (const image of pulled) expect(image).toMatch(/^mirror\.example\.com:5000\//);
  });

  it('still refuses a declared global of the wrong form, naming it', async () => {
    const dir = umbrella({ global: { plantCode: 'linz-01', imageRegistry: 'not a registry' } });
    const r = await helm(['template', 'stack', dir, '--namespace', 'kubevision'], { major });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('imageRegistry');
  });
});
