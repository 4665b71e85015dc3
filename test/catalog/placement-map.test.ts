import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { unpackChart } from '../../src/catalog/archive.ts';
import { MAP_FILE, readmeMap } from '../../src/catalog/placement-map.ts';
import { planMap } from '../../src/plan/map.ts';
import { planPlant } from '../../src/plan/plan.ts';
import { catalogDir } from '../support/catalog.ts';
import { chartVersion, genericChartDir, plantChartDir, theModel, thePlants } from '../support/plants.ts';
import { findAll, hasClass, parseSvg } from '../plan/svg-tree.ts';

/**
 * Each plant's placement map where Rancher shows it. Rancher reads a chart's README.md out of
 * its archive, for an HTTP repository and a git one alike (rancher/rancher
 * pkg/catalogv2/content/content.go Info -> pkg/catalogv2/helm/info.go InfoFromTarball), and
 * the dashboard renders it with marked and DOMPurify (rancher/dashboard
 * shell/components/Markdown.vue, shell/plugins/clean-html.js): <img> is kept, <svg> is not,
 * an image's relative path would resolve against the dashboard's page, a data: URI in an
 * <img src> is kept (DOMPurify DEFAULT_DATA_URI_TAGS). The chart page shows README.md only
 * (shell/pages/c/_cluster/apps/charts/chart.vue :show-app-readme="false"). See
 * src/catalog/placement-map.ts.
 */

const plants = thePlants();

describe('the placement map in each plant catalog', () => {
  it.each(plants.map((p) => p.id))('%s: the README in the published archive carries the map of the rendered chart as a data: URI image', async (id) => {
    const plant = plants.find((p) => p.id === id)!;
    const chart = `kubevision-${id}`;
    const version = chartVersion(chart);
    const index = YAML.parse(readFileSync(path.join(catalogDir(id), 'index.yaml'), 'utf8')) as { entries: Record<string, { version: string; urls: string[] }[]> };
    const newest = index.entries[chart]!.find((e) => e.version === version)!;
    const files = await unpackChart(readFileSync(path.join(catalogDir(id), newest.urls[0]!)));
    const readme = files.get('README.md')!.toString('utf8');
    const expected = planMap(await planPlant(theModel(), plant));

    // What Rancher gets: the README's text. The image is in it, whole, and is this plant's map.
    const map = readmeMap(readme);
    expect(map, 'README.md has the map as a data: URI image').toBeDefined();
    expect(map).toBe(expected);
    expect(findAll(parseSvg(map!), hasClass('site')).map((s) => s.attrs['data-site'])).toEqual(['onprem', 'cloud']);
    // As marked reads it: one image, no space or parenthesis in its source; no inline <svg> (the dashboard's sanitizer drops it).
    expect(readme).toMatch(/\n!\[Placement map of [^\]\n]+\]\(data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+\)\n/);
    expect(readme).not.toMatch(/<svg/i);
    // Near the top: the first section of the README, after the plant's introduction.
    expect(readme.split('\n').filter((l) => l.startsWith('## ')).slice(0, 2)).toEqual(['## Placement map', '## Preparing the nodes']);

    // The same picture is a file of the chart, in the archive and unpacked in the catalog.
    expect(files.get(MAP_FILE)!.toString('utf8')).toBe(expected);
    expect(readFileSync(path.join(catalogDir(id), 'charts', chart, version, MAP_FILE), 'utf8')).toBe(expected);
    expect(readFileSync(path.join(plantChartDir(id), MAP_FILE), 'utf8')).toBe(expected);
    // The catalog's own README (a git forge or web server shows it) points at that file.
    const catalogReadme = readFileSync(path.join(catalogDir(id), 'README.md'), 'utf8');
    expect(catalogReadme).toContain(`](charts/${chart}/${version}/${MAP_FILE})`);
  });

  it('the generic chart has no map: it has no plant', () => {
    expect(existsSync(path.join(genericChartDir(), MAP_FILE))).toBe(false);
    expect(readmeMap(readFileSync(path.join(genericChartDir(), 'README.md'), 'utf8'))).toBeUndefined();
    expect(readFileSync(path.join(catalogDir('generic'), 'README.md'), 'utf8')).not.toContain(MAP_FILE);
  });
});
