import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { Plant } from '../../src/plant/load.ts';
import { catalogDir, extractTgz, files, listTgz, stringLeaves } from '../support/catalog.ts';
import { VALUES_DIR } from '../support/paths.ts';
import { theModel, thePlants } from '../support/plants.ts';

const plants = thePlants();

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Every text a catalog folder exposes: paths, file contents, and the same inside every .tgz. */
function catalogTexts(dir: string): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  for (const f of files(dir)) {
    out.push({ where: `${f.rel} (path)`, text: f.rel });
    if (!f.rel.endsWith('.tgz')) {
      out.push({ where: f.rel, text: readFileSync(f.abs, 'utf8') });
      continue;
    }
    const entries = listTgz(f.abs);
    expect(entries.length, f.rel).toBeGreaterThan(0);
    out.push({ where: `${f.rel} (entry names)`, text: entries.join('\n') });
    const unpacked = mkdtempSync(path.join(tmpdir(), 'kubevision-leak-'));
    temps.push(unpacked);
    extractTgz(f.abs, unpacked);
    const extracted = files(unpacked);
    expect(extracted.map((e) => e.rel).sort()).toEqual(entries.filter((e) => !e.endsWith('/')).sort());
    for (const e of extracted) out.push({ where: `${f.rel}!${e.rel}`, text: readFileSync(e.abs, 'utf8') });
  }
  return out;
}

/**
 * Strings of the generic chart itself: its defaults, and every word its declarations
 * use (enum options such as certManager, descriptions such as "k3s: local-path").
 * A plant value that is one of these says nothing about which plant it came from.
 */
const defaults = new Set(stringLeaves(theModel().defaults));
const vocabulary = JSON.stringify(theModel().root);
const generic = (s: string) => defaults.has(s) || vocabulary.includes(s);

const rawValues = (p: Plant) => (YAML.parse(readFileSync(path.join(VALUES_DIR, `${p.id}.yaml`), 'utf8')) as { values?: unknown }).values;

/** What identifies plant `p`: its id, names, host, registry and every distinctive value. */
function fingerprint(p: Plant): string[] {
  const v = p.values as { ingress: { host: string }; global: { imageRegistry: string } };
  const own = [p.id, p.displayName, p.description, v.ingress.host, v.global.imageRegistry];
  const distinctive = stringLeaves(rawValues(p)).filter((s) => s.length > 6 && !generic(s));
  return [...new Set([...own, ...distinctive])].filter((s) => s !== '');
}

/** A string another plant shares with `self` (say the same ClusterIssuer) is not a leak. */
const leaksOf = (other: Plant, self: Plant | null) => {
  const mine = self ? new Set([self.id, self.displayName, self.description, ...stringLeaves(self.values)]) : new Set<string>();
  return fingerprint(other).filter((s) => !mine.has(s));
};

function mentions(texts: { where: string; text: string }[], needles: string[]): string[] {
  return texts.flatMap(({ where, text }) => needles.filter((n) => text.includes(n)).map((n) => `${where}: ${JSON.stringify(n)}`));
}

describe('fingerprints', () => {
  it('every plant has a distinctive fingerprint the checks below look for', () => {
    for (const p of plants) {
      const fp = fingerprint(p);
      expect(fp).toContain(p.id);
      expect(fp).toContain(p.displayName);
      expect(fp.length, p.id).toBeGreaterThanOrEqual(4);
    }
  });

  it("a plant's own catalog does mention its own fingerprint (the search works)", () => {
    for (const p of plants) {
      const found = mentions(catalogTexts(catalogDir(p.id)), [p.id, p.displayName, (p.values as { ingress: { host: string } }).ingress.host]);
      expect(found.length, p.id).toBeGreaterThan(0);
    }
  });
});

describe.each(plants.map((p) => ({ id: p.id, plant: p })))('catalog/$id', ({ plant }) => {
  it('mentions no other plant', () => {
    const texts = catalogTexts(catalogDir(plant.id));
    const others = plants.filter((o) => o.id !== plant.id);
    expect(others.length).toBeGreaterThan(0);
    expect(mentions(texts, others.flatMap((o) => leaksOf(o, plant)))).toEqual([]);
  });
});

describe('catalog/generic', () => {
  it('mentions no plant at all', () => {
    const texts = catalogTexts(catalogDir('generic'));
    expect(mentions(texts, plants.flatMap((p) => leaksOf(p, null)))).toEqual([]);
  });
});
