import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { snapshot } from '../support/catalog.ts';
import { kubevision } from '../support/cli.ts';
import { VALUES_DIR } from '../support/paths.ts';
import { tempDirs } from '../support/temp.ts';

/**
 * Bad input never costs output: each case fails with the file (and key) it is about, exits
 * non-zero, and leaves a previously built charts/ and catalog/ exactly as they were.
 */
const tempDir = tempDirs();
let root: string;
let before: Record<string, string>;

beforeAll(async () => {
  root = tempDir('root');
  const r = await kubevision(['build', '--root', root]);
  expect(r.code, r.stderr).toBe(0);
  before = { ...snapshot(path.join(root, 'charts')), ...snapshot(path.join(root, 'catalog')) };
}, 120_000);

/** A copy of the real plant files, with `edit` applied. */
function values(edit: (dir: string) => void = () => {}): string {
  const dir = tempDir('values');
  cpSync(VALUES_DIR, dir, { recursive: true });
  edit(dir);
  return dir;
}

async function fails(dir: string, ...expected: string[]) {
  const r = await kubevision(['build', '--root', root, '--values', dir]);
  expect(r.code, r.stdout).toBe(1);
  for (const e of expected) expect(r.stderr).toContain(e);
  expect({ ...snapshot(path.join(root, 'charts')), ...snapshot(path.join(root, 'catalog')) }).toEqual(before);
  return r;
}

const plantFile = (name: string, description = '') =>
  `plant:\n  displayName: ${name}\n  description: ${JSON.stringify(description)}\nvalues:\n  frontend:\n    replicaCount: 2\n`;

describe('kubevision build with bad input', () => {
  it('a values folder that does not exist (a typo)', async () => {
    await fails(path.join(tempDir('parent'), 'valus'), 'valus does not exist', 'nothing was written');
  });

  it('an empty values folder', async () => {
    await fails(tempDir('empty'), 'holds no plant files');
  });

  it('a values path that is a file', async () => {
    const file = path.join(tempDir('file'), 'values');
    writeFileSync(file, 'plant: {}\n');
    await fails(file, 'is not a folder');
  });

  it('two files for one plant', async () => {
    const dir = values((d) => cpSync(path.join(d, 'linz-assembly.yaml'), path.join(d, 'linz-assembly.yml')));
    await fails(dir, 'linz-assembly.yaml and linz-assembly.yml: two files for plant linz-assembly');
  });

  it('a YAML alias bomb', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const bomb = `plant:\n  displayName: Bomb\nvalues:\n  ingress:\n    annotations:\n      x: y\n${levels.map((l) => `x-${l}`).join('\n')}\n`;
    const dir = values((d) => writeFileSync(path.join(d, 'bomb.yaml'), bomb));
    const r = await fails(dir, 'bomb.yaml', 'alias');
    expect(r.stderr.length).toBeLessThan(10_000);
  });

  it('a plant description over the 5 MiB helm allows per chart file', async () => {
    const dir = values((d) => writeFileSync(path.join(d, 'huge.yaml'), plantFile('Huge', 'x'.repeat(5 * 1024 * 1024 + 1))));
    await fails(dir, 'huge.yaml: plant.description: at most 2000 characters (got 5242881)');
  });

  it('a display name Rancher cannot show', async () => {
    const dir = values((d) => writeFileSync(path.join(d, 'long-name.yaml'), plantFile('N'.repeat(200))));
    await fails(dir, 'long-name.yaml: plant.displayName: at most 80 characters (got 200)');
  });

  it('a value so big that a chart file would pass the 1 MiB the build allows', async () => {
    const blob = 'y'.repeat(1200 * 1024);
    const dir = values((d) =>
      writeFileSync(path.join(d, 'blob.yaml'), `plant:\n  displayName: Blob\nvalues:\n  frontend:\n    podAnnotations:\n      example.com/blob: ${blob}\n`),
    );
    await fails(dir, 'blob.yaml', 'values.frontend.podAnnotations');
  });

  it('broken plant files next to good ones: every problem at once, nothing written', async () => {
    const dir = values((d) => {
      writeFileSync(path.join(d, 'one.yaml'), 'plant:\n  displayName: One\nvalues:\n  face:\n    placement: edge\n');
      writeFileSync(path.join(d, 'two.yaml'), 'plant: [\n');
    });
    await fails(dir, 'one.yaml: values.face.placement: must be one of onprem, cloud, any (got "edge")', 'two.yaml: not valid YAML');
  });
});

describe('other commands with bad input', () => {
  it('plan and list name a missing values folder too', async () => {
    for (const args of [['plan', 'linz-assembly'], ['list']]) {
      const r = await kubevision([...args, '--values', path.join(tempDir('p'), 'nope')]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain('does not exist');
    }
  });

  it('the plant file a build rejected is left as the user wrote it', async () => {
    const dir = values();
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'porto-logistics.yaml');
    const text = readFileSync(file, 'utf8').replace('placement: cloud', 'placement: nowhere');
    writeFileSync(file, text);
    await fails(dir, 'porto-logistics.yaml');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
