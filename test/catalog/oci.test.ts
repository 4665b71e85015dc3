import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/pipeline/build.ts';
import { OCI_DIGESTS, publishOci, type DigestRecord } from '../../src/catalog/oci.ts';
import { readPublished } from '../../src/catalog/published.ts';
import { helmOk } from '../../src/helm/run.ts';
import { parseManifests } from '../../src/plan/render.ts';
import { freePort, startRegistry, type Registry } from '../support/registry.ts';
import { VALUES_DIR } from '../support/paths.ts';
import { withoutGenerated } from '../support/plants.ts';
import { tempDirs } from '../support/temp.ts';

const temp = tempDirs();

let registry: Registry | undefined;
let host = '';

beforeAll(async () => {
  registry = await startRegistry(temp('registry'));
  host = registry.host;
}, 300_000);

afterAll(() => {
  registry?.stop();
});

describe('charts in an OCI registry, by digest', () => {
  it('publishes every chart version, records each digest, and pushing again changes nothing', { timeout: 180_000 }, async () => {
    const root = temp('oci-root');
    await build({ projectRoot: root, valuesDir: VALUES_DIR });
    const catalogRoot = path.join(root, 'catalog');
    const target = `oci://${host}/kubevision/charts`;
    const pushed = await publishOci({ catalogRoot, target, plainHttp: true });
    const versions = ['generic', 'linz-assembly', 'porto-logistics', 'stuttgart-body-shop'].flatMap((c) =>
      [...readPublished(path.join(catalogRoot, c), c)].flatMap(([chart, vs]) => vs.map((v) => `${chart} ${v.entry.version}`)),
    );
    expect(pushed.map((p) => `${p.chart} ${p.version}`).sort()).toEqual(versions.sort());
    const record = JSON.parse(readFileSync(path.join(catalogRoot, OCI_DIGESTS), 'utf8')) as DigestRecord;
    for (const p of pushed) expect(record[target]![p.chart]![p.version]).toBe(p.digest);

    const again = await publishOci({ catalogRoot, target, plainHttp: true });
    expect(again).toEqual(pushed);
    // A later build keeps the record (it is about versions the build carries over unchanged).
    await build({ projectRoot: root, valuesDir: VALUES_DIR });
    expect(JSON.parse(readFileSync(path.join(catalogRoot, OCI_DIGESTS), 'utf8'))).toEqual(record);

    // Helm 3 and 4 pull each plant chart by digest and get the published archive's very bytes;
    // helm template by digest renders what the archive renders.
    for (const p of pushed.filter((x) => x.chart !== 'kubevision').slice(-3)) {
      const catalog = p.chart.replace(/^kubevision-/, '');
      const archive = path.join(catalogRoot, catalog, 'assets', p.chart, `${p.chart}-${p.version}.tgz`);
      for (const major of [3, 4] as const) {
        const dest = temp('pulled');
        await helmOk(['pull', p.reference, '--plain-http', '--destination', dest], { major });
        const [file] = execFileSync('ls', [dest], { encoding: 'utf8' }).trim().split('\n');
        expect(readFileSync(path.join(dest, file!)).equals(readFileSync(archive)), `${p.reference} with helm ${major}`).toBe(true);
      }
      // Generated Secrets are random per render: their data is left out of the comparison.
      const render = async (ref: string, ...flags: string[]) =>
        withoutGenerated(parseManifests(await helmOk(['template', 'kv', ref, ...flags, '--namespace', 'kubevision'])));
      const byDigest = await render(p.reference, '--plain-http');
      const local = await render(archive);
      expect(byDigest).toEqual(local);
    }
  });

  it('refuses a target that is not an OCI reference, and a digest that would change', { timeout: 120_000 }, async () => {
    const root = temp('oci-root');
    await build({ projectRoot: root, valuesDir: VALUES_DIR });
    const catalogRoot = path.join(root, 'catalog');
    await expect(publishOci({ catalogRoot, target: `https://${host}/charts` })).rejects.toThrow(/expected oci:\/\/HOST/);
    const target = `oci://${host}/kubevision/changed`;
    await publishOci({ catalogRoot, target, plainHttp: true });
    const file = path.join(catalogRoot, OCI_DIGESTS);
    const record = JSON.parse(readFileSync(file, 'utf8')) as DigestRecord;
    const [chart, versions] = Object.entries(record[target]!)[0]!;
    const version = Object.keys(versions)[0]!;
    versions[version] = `sha256:${'0'.repeat(64)}`;
    writeFileSync(file, JSON.stringify(record));
    await expect(publishOci({ catalogRoot, target, plainHttp: true })).rejects.toThrow(new RegExp(`${chart} ${version.replace(/\./g, '\\.')} was pushed to .* a published chart must not change`));
    // Nothing was recorded over the refusal.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(record);
  });

  it('a registry that does not answer: the push fails and says which chart', async () => {
    const root = temp('oci-root');
    await build({ projectRoot: root, valuesDir: VALUES_DIR });
    const r = publishOci({ catalogRoot: path.join(root, 'catalog'), target: `oci://127.0.0.1:${await freePort()}/nothing`, plainHttp: true });
    await expect(r).rejects.toThrow(/pushing kubevision \S+ to oci:\/\/127\.0\.0\.1:\d+\/nothing failed/);
  });
});
