import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, InvalidPlantsError, loadPlants } from '../pipeline/build.ts';
import { OCI_DIGESTS, publishOci, PublishError } from '../catalog/oci.ts';
import { signerFromEnv, SigningError } from '../catalog/provenance.ts';
import { buildModel } from '../model.ts';
import { mirrorCommands, plantImages } from '../images/plant-images.ts';
import { formatPlan, planPlant } from '../plan/plan.ts';
import { plantFiles, ValuesFolderError } from '../plant/load.ts';
import { PRESETS, scaffoldPlant, type Preset } from '../plant/scaffold.ts';
import { project } from '../project.ts';
import { formatSite, SiteError, siteNode, siteReport } from '../placement/nodes.ts';

const PROJECT_ROOT = path.resolve(fileURLToPath(import.meta.url), '../../..');

/** Shared with bin.mjs, which prints it without loading any of this. */
const USAGE = readFileSync(new URL('./usage.txt', import.meta.url), 'utf8').trimEnd();

async function main(argv: string[]): Promise<number> {
  const { values: opts, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      preset: { type: 'string', default: 'hybrid' },
      values: { type: 'string' },
      root: { type: 'string' },
      'fleet-repo': { type: 'string' },
      gpu: { type: 'boolean' },
      'plain-http': { type: 'boolean' },
      role: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...args] = positionals;
  const projectRoot = path.resolve(opts.root ?? PROJECT_ROOT);
  const valuesDir = path.resolve(opts.values ?? path.join(PROJECT_ROOT, 'values'));
  if (opts.help || !command) {
    console.log(USAGE);
    return command || opts.help ? 0 : 2;
  }
  switch (command) {
    case 'build': {
      const started = performance.now();
      const signer = signerFromEnv();
      const progress = process.stderr.isTTY || args.length !== 1;
      const result = await build({
        projectRoot,
        valuesDir,
        only: args.length ? args : undefined,
        fleetRepo: opts['fleet-repo'],
        signer,
        onProgress: progress ? (done, total, plant) => process.stderr.write(`[${done}/${total}] ${plant}\n`) : undefined,
      });
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      const fresh = result.charts.filter((c) => c.isNew);
      const kept = result.charts.length - fresh.length;
      console.log(`built ${result.plants.length} plant(s) in ${secs}s: ${result.outputs.join(', ')}`);
      if (fresh.length) console.log(`new chart versions: ${fresh.map((c) => `${c.name} ${c.version}`).join(', ')}`);
      if (kept) console.log(`${kept} chart(s) unchanged, kept at their published version`);
      if (signer) console.log(`signed with key ${signer.key}: every archive without a provenance file now has one (.prov beside it)`);
      for (const o of result.orphans) console.error(`kept catalog/${o} as published: there is no plant file for it any more (remove the folder by hand if the plant is gone)`);
      for (const d of result.dropped) console.error(`no longer offered: ${d}`);
      return 0;
    }
    case 'plan': {
      if (args.length !== 1) throw new UsageError('plan takes one plant');
      const model = buildModel();
      const [plant] = loadPlants(model, valuesDir, args);
      console.log(formatPlan(await planPlant(model, plant!)));
      return 0;
    }
    case 'publish': {
      if (args.length !== 1) throw new UsageError('publish takes one target: oci://HOST[:PORT]/PATH');
      const pushed = await publishOci({ catalogRoot: path.join(projectRoot, 'catalog'), target: args[0]!, plainHttp: opts['plain-http'] });
      for (const p of pushed) console.log(`${p.chart} ${p.version}  ${p.reference}`);
      console.log(`pushed ${pushed.length} chart version(s); digests recorded in catalog/${OCI_DIGESTS}`);
      return 0;
    }
    case 'images': {
      if (args.length !== 1) throw new UsageError('images takes one plant');
      const [plant] = loadPlants(buildModel(), valuesDir, args);
      const images = plantImages(plant!.values, project().version);
      const commands = mirrorCommands(images);
      if (opts.json) {
        console.log(JSON.stringify({ plant: plant!.id, images, mirrorCommands: commands }, null, 2));
        return 0;
      }
      const width = Math.max(...images.map((i) => i.workload.length));
      for (const i of images) console.log(`${i.workload.padEnd(width)}  ${i.image}${i.mirrored ? `  (copy of ${i.source})` : ''}`);
      console.log(
        commands.length
          ? `\nCopy them into the plant's registry before installing (skopeo, logged in to both registries):\n${commands.map((c) => `  ${c}`).join('\n')}`
          : '\nThe plant pulls them from their public registries (no global.imageRegistry): nothing to mirror.',
      );
      return 0;
    }
    case 'site': {
      if (args.length !== 2) throw new UsageError('site takes a plant and a site (onprem or cloud)');
      const [id, site] = args as [string, string];
      if (!plantFiles(valuesDir).some((f) => f.id === id)) {
        const known = plantFiles(valuesDir).map((f) => f.id);
        throw new SiteError(
          `unknown plant "${id}": there is no ${path.join(path.relative(process.cwd(), valuesDir) || '.', `${id}.yaml`)}` +
            (known.length ? ` (plants: ${known.join(', ')})` : ''),
        );
      }
      const model = buildModel();
      const [plant] = loadPlants(model, valuesDir, [id]);
      const node = siteNode(plant!, site, opts.gpu ?? false, opts.role ?? 'agent');
      const report = siteReport(node, await planPlant(model, plant!));
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatSite(report));
      return 0;
    }
    case 'new': {
      if (args.length !== 1) throw new UsageError('new takes one plant id');
      if (!PRESETS.includes(opts.preset as Preset)) throw new UsageError(`--preset must be one of ${PRESETS.join(', ')}`);
      const file = scaffoldPlant(valuesDir, args[0]!, opts.name ?? args[0]!, opts.preset as Preset);
      console.log(`wrote ${path.relative(process.cwd(), file)}`);
      return 0;
    }
    case 'list': {
      for (const p of loadPlants(buildModel(), valuesDir)) console.log(`${p.id.padEnd(24)} ${p.displayName}`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof InvalidPlantsError) {
      console.error(`invalid plant values, nothing was written:\n${err.message}`);
      process.exit(1);
    }
    if (err instanceof ValuesFolderError) {
      console.error(`${err.message}\nnothing was written`);
      process.exit(1);
    }
    if (err instanceof PublishError) {
      console.error(err.message);
      process.exit(1);
    }
    if (err instanceof SigningError) {
      console.error(`${err.message}\nnothing was written (check KUBEVISION_SIGN_KEY and the key's GnuPG home)`);
      process.exit(1);
    }
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
