import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { imageSpecs, projectVersion } from '../../src/images/images.ts';
import { startRegistry, type Registry } from '../support/registry.ts';
import { byKind, plantChartDir, template } from '../support/plants.ts';
import { tempDirs } from '../support/temp.ts';
import { buildahOk, podmanOk } from './podman.ts';

const temp = tempDirs();
const version = projectVersion();
const local = imageSpecs({ version }).filter((s) => s.variant === 'cpu');
let registry: Registry;

beforeAll(async () => {
  registry = await startRegistry(temp('registry'));
}, 300_000);
afterAll(() => registry?.stop());

const manifestTypes = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'].join(', ');

/**
 * A plant's mirror filled with buildah, then pulled from by digest: each CPU image pushed to
 * Debian's registry on 127.0.0.1 (the distribution registry most plant mirrors run; plain
 * HTTP, so --tls-verify=false) under the name the chart gives it with that registry as
 * global.imageRegistry; the digest buildah reports is the sha256 of the manifest the registry
 * serves, and podman pulls the very image (the same image id) by that digest. Then every
 * KubeVision image the plant's chart renders with that mirror is in it.
 */
it('images go to a registry with buildah and come back by digest; the chart with that mirror pulls only what is there', { timeout: 600_000 }, async () => {
  const mirrored = imageSpecs({ version, registry: registry.host }).filter((s) => s.variant === 'cpu');
  for (const spec of local) {
    const target = mirrored.find((m) => m.service === spec.service)!.ref;
    const digestFile = path.join(temp('digest'), 'digest');
    await buildahOk(['push', '--tls-verify=false', '--digestfile', digestFile, spec.ref, `docker://${target}`], { timeoutMs: 300_000 });
    const digest = readFileSync(digestFile, 'utf8').trim();
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const repository = target.slice(registry.host.length + 1, target.lastIndexOf(':'));
    const served = await fetch(`http://${registry.host}/v2/${repository}/manifests/${digest}`, { headers: { accept: manifestTypes } });
    expect(served.status, `${target}@${digest}`).toBe(200);
    expect(`sha256:${createHash('sha256').update(Buffer.from(await served.arrayBuffer())).digest('hex')}`).toBe(digest);

    const byDigest = `${registry.host}/${repository}@${digest}`;
    await podmanOk(['pull', '--tls-verify=false', byDigest], { timeoutMs: 300_000 });
    const id = async (ref: string) => (JSON.parse(await podmanOk(['image', 'inspect', ref])) as { Id: string }[])[0]!.Id;
    expect(await id(byDigest), `${byDigest} is ${spec.ref}`).toBe(await id(spec.ref));
    console.log(`${spec.ref} -> ${byDigest}`);
  }

  // What porto-logistics pulls with this mirror: each KubeVision image is in the registry by its tag.
  const objs = await template(plantChartDir('porto-logistics'), ['--set', `global.imageRegistry=${registry.host}`]);
  const images = [...new Set(byKind(objs, 'Deployment').flatMap((d) => ((d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers.map((c) => c.image))))];
  expect(images.sort()).toEqual(mirrored.map((m) => m.ref).sort());
  for (const image of images) {
    const [name, tag] = [image.slice(registry.host.length + 1, image.lastIndexOf(':')), image.slice(image.lastIndexOf(':') + 1)];
    const r = await fetch(`http://${registry.host}/v2/${name}/manifests/${tag}`, { method: 'HEAD', headers: { accept: manifestTypes } });
    expect(r.status, image).toBe(200);
  }
});
