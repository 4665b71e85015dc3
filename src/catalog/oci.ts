import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { helm } from '../helm/run.ts';
import { readPublished } from './published.ts';

/** Where the digests of pushed charts are recorded: per registry reference, chart and version. */
export const OCI_DIGESTS = 'oci-digests.json';

export type DigestRecord = Record<string, Record<string, Record<string, string>>>;

export interface Pushed {
  chart: string;
  version: string;
  /** oci://HOST/PATH/CHART@sha256:… : what a plant installs by, whatever tag it is pushed under. */
  reference: string;
  digest: string;
}

export class PublishError extends Error {}

const OCI_REF = /^oci:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

/**
 * Pushes every chart version the catalogs hold (the archives as published, each with its
 * .prov when there is one: helm push takes it along) to an OCI registry, and records each
 * manifest digest in catalog/oci-digests.json. Pushing again is a no-op with the same
 * digests; a recorded digest that would change means a published chart changed, and is refused.
 */
export async function publishOci(o: { catalogRoot: string; target: string; plainHttp?: boolean }): Promise<Pushed[]> {
  const target = o.target.replace(/\/+$/, '');
  if (!OCI_REF.test(target)) throw new PublishError(`${o.target}: expected oci://HOST[:PORT]/PATH (lower-case path, as OCI repositories are named)`);
  const recordFile = path.join(o.catalogRoot, OCI_DIGESTS);
  const record: DigestRecord = existsSync(recordFile) ? (JSON.parse(readFileSync(recordFile, 'utf8')) as DigestRecord) : {};
  const known = (record[target] ??= {});
  const pushed: Pushed[] = [];
  const catalogs = readdirSync(o.catalogRoot, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(path.join(o.catalogRoot, d.name, 'index.yaml')));
  for (const c of catalogs.map((d) => d.name).sort()) {
    const dir = path.join(o.catalogRoot, c);
    for (const [chart, versions] of readPublished(dir, path.join('catalog', c))) {
      for (const v of versions) {
        const r = await helm(['push', path.join(dir, v.archive), target, ...(o.plainHttp ? ['--plain-http'] : [])]);
        const digest = /Digest: (sha256:[0-9a-f]{64})/.exec(r.stdout + r.stderr)?.[1];
        if (r.code !== 0 || !digest) throw new PublishError(`pushing ${chart} ${v.entry.version} to ${target} failed: ${(r.stderr || r.stdout).trim()}`);
        const before = known[chart]?.[v.entry.version];
        if (before && before !== digest) {
          throw new PublishError(`${chart} ${v.entry.version} was pushed to ${target} as ${before} and is now ${digest}: a published chart must not change`);
        }
        (known[chart] ??= {})[v.entry.version] = digest;
        pushed.push({ chart, version: v.entry.version, reference: `${target}/${chart}@${digest}`, digest });
      }
    }
  }
  writeFileSync(recordFile, `${JSON.stringify(record, null, 2)}\n`);
  return pushed;
}
