import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/pipeline/build.ts';
import { helm } from '../../src/helm/run.ts';
import { VALUES_DIR } from '../support/paths.ts';
import { throwawayKey as signingKey } from '../support/signing.ts';
import { tempDirs } from '../support/temp.ts';

const temp = tempDirs();

const throwawayKey = () => signingKey(temp('gnupg'));

const archives = (root: string) =>
  readdirSync(path.join(root, 'catalog'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => path.join(root, 'catalog', f));

describe('signed charts (helm provenance)', () => {
  it('a build with a key writes a .prov beside every archive, and helm verify accepts each with the public keyring only', { timeout: 120_000 }, async () => {
    const signer = throwawayKey();
    const root = temp('signed-root');
    await build({ projectRoot: root, valuesDir: VALUES_DIR, signer: { key: signer.key, homedir: signer.homedir } });
    const tgz = archives(root);
    expect(tgz.length).toBeGreaterThanOrEqual(4);
    for (const a of tgz) {
      expect(existsSync(`${a}.prov`), a).toBe(true);
      const r = await helm(['verify', a, '--keyring', signer.keyring]);
      expect(r.code, `${a}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('Signed by: KubeVision Release Test');
    }
    const four = await helm(['verify', tgz[0]!, '--keyring', signer.keyring], { major: 4 });
    expect(four.code, `helm 4: ${four.stderr}`).toBe(0);

    // The published provenance is carried over as it is by the next build, with or without the key.
    const provs = Object.fromEntries(tgz.map((a) => [a, readFileSync(`${a}.prov`, 'utf8')]));
    await build({ projectRoot: root, valuesDir: VALUES_DIR });
    for (const a of tgz) expect(readFileSync(`${a}.prov`, 'utf8'), a).toBe(provs[a]);
  });

  it('helm verify refuses a changed archive, another key, and a chart without provenance', { timeout: 120_000 }, async () => {
    const signer = throwawayKey();
    const other = throwawayKey();
    const root = temp('signed-root');
    await build({ projectRoot: root, valuesDir: VALUES_DIR, signer: { key: signer.key, homedir: signer.homedir } });
    const [a] = archives(root);
    expect((await helm(['verify', a!, '--keyring', other.keyring])).code, 'signed by someone else').not.toBe(0);
    const tampered = path.join(temp('tampered'), path.basename(a!));
    const bytes = readFileSync(a!);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    writeFileSync(tampered, bytes);
    writeFileSync(`${tampered}.prov`, readFileSync(`${a}.prov`));
    const changed = await helm(['verify', tampered, '--keyring', signer.keyring]);
    expect(changed.code).not.toBe(0);
    expect(changed.stderr).toContain('sha256 sum does not match');

    const unsigned = temp('unsigned-root');
    await build({ projectRoot: unsigned, valuesDir: VALUES_DIR });
    const [u] = archives(unsigned);
    expect(existsSync(`${u}.prov`)).toBe(false);
    expect((await helm(['verify', u!, '--keyring', signer.keyring])).code).not.toBe(0);

    // Signing later adds provenance to what was published unsigned, and changes no archive's bytes.
    const before = Object.fromEntries(archives(unsigned).map((f) => [f, readFileSync(f).toString('base64')]));
    await build({ projectRoot: unsigned, valuesDir: VALUES_DIR, signer: { key: signer.key, homedir: signer.homedir } });
    for (const f of archives(unsigned)) {
      expect(readFileSync(f).toString('base64'), f).toBe(before[f]);
      expect((await helm(['verify', f, '--keyring', signer.keyring])).code, f).toBe(0);
    }
  });

  it('a key gpg does not have fails the build, naming it, and writes nothing', async () => {
    const root = temp('signed-root');
    await expect(build({ projectRoot: root, valuesDir: VALUES_DIR, signer: { key: 'nobody@nowhere.example', homedir: temp('empty-gnupg') } })).rejects.toThrow(/cannot sign .* with key nobody@nowhere\.example/);
    expect(existsSync(path.join(root, 'catalog'))).toBe(false);
  });
});
