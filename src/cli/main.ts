import { readFileSync, writeFileSync } from 'node:fs';
import { wrap } from '../wrap.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { build, InvalidPlantsError, loadPlants } from '../pipeline/build.ts';
import { OCI_DIGESTS, publishOci, PublishError } from '../catalog/oci.ts';
import { groupedChanges, publishedChanges, type Change } from '../catalog/changes.ts';
import { signerFromEnv, SigningError } from '../catalog/provenance.ts';
import { buildModel, type Model } from '../model.ts';
import { mirrorCommands, plantImages } from '../images/plant-images.ts';
import { formatPlan, planPlant } from '../plan/plan.ts';
import { planMap } from '../plan/map.ts';
import { plantFiles, ValuesFolderError, type Plant } from '../plant/load.ts';
import { PRESETS, scaffoldPlant, type Preset } from '../plant/scaffold.ts';
import { project } from '../project.ts';
import { formatSite, SiteError, siteNode, siteReport } from '../placement/nodes.ts';
import { CliError, parseCommand, usageHint, UsageError } from './args.ts';
import { usage } from './commands.mjs';
import { diffPlant, formatDiff, indented } from './diff.ts';
import { parseSet, withAnswers } from './form.ts';

const PROJECT_ROOT = path.resolve(fileURLToPath(import.meta.url), '../../..');

/** A path as messages show it: relative to where the user is. */
const shown = (p: string) => path.relative(process.cwd(), p) || '.';

/**
 * The named plants, validated. An unknown one is named with the plants there are, the same
 * for every command.
 */
function plantsNamed(model: Model, valuesDir: string, ids: string[]): Plant[] {
  requireKnown(valuesDir, ids);
  return loadPlants(model, valuesDir, ids);
}

function requireKnown(valuesDir: string, ids: string[]): void {
  const known = plantFiles(valuesDir).map((f) => f.id);
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length) {
    throw new CliError(
      unknown.map((id) => `unknown plant "${id}": there is no ${path.join(valuesDir, `${id}.yaml`)}`).join('\n') + ` (plants: ${known.join(', ')})`,
    );
  }
}

async function main(argv: string[]): Promise<number> {
  const { command, args, opts } = parseCommand(argv);
  const str = (name: string) => opts[name] as string | undefined;
  const projectRoot = path.resolve(str('root') ?? PROJECT_ROOT);
  // Relative, so that every message names the plant files as the user sees them.
  const valuesDir = shown(path.resolve(str('values') ?? path.join(PROJECT_ROOT, 'values')));
  const json = opts.json === true;
  switch (command.name) {
    case 'build': {
      const started = performance.now();
      const signer = signerFromEnv();
      // Only the names: build loads and validates the plants itself.
      requireKnown(valuesDir, args);
      const progress = process.stderr.isTTY || args.length !== 1;
      const result = await build({
        projectRoot,
        valuesDir,
        only: args.length ? args : undefined,
        fleetRepo: str('fleet-repo'),
        signer,
        onProgress: progress ? (done, total, plant) => process.stderr.write(`[${done}/${total}] ${plant}\n`) : undefined,
      });
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      const fresh = result.charts.filter((c) => c.isNew);
      const kept = result.charts.length - fresh.length;
      console.log(`built ${result.plants.length} plant(s) in ${secs}s: ${result.outputs.join(', ')}`);
      if (fresh.length) {
        console.log(`new chart versions: ${fresh.map((c) => `${c.name} ${c.version}`).join(', ')}`);
        for (const c of fresh) console.log(changesText(projectRoot, c));
      }
      if (kept) console.log(`${kept} chart(s) unchanged, kept at their published version`);
      if (signer) console.log(`signed with key ${signer.key}: every archive without a provenance file now has one (.prov beside it)`);
      for (const o of result.orphans) console.error(`kept catalog/${o} as published: there is no plant file for it any more (remove the folder by hand if the plant is gone)`);
      for (const d of result.dropped) console.error(`no longer offered: ${d}`);
      return 0;
    }
    case 'plan': {
      const model = buildModel();
      const [found] = plantsNamed(model, valuesDir, args);
      const answers = ((opts.set as string[] | undefined) ?? []).map(parseSet);
      const plant = withAnswers(model, found!, answers);
      const plan = await planPlant(model, plant);
      if (str('svg')) writeFileSync(str('svg')!, planMap(plan));
      if (json) {
        const { plant: p, ...rest } = plan;
        console.log(JSON.stringify({ plant: { id: p.id, displayName: p.displayName, file: p.file }, answers: Object.fromEntries(answers.map((a) => [a.key, a.value])), mongodb: p.values.mongodb.mode, ...rest }, null, 2));
        return 0;
      }
      const [head, ...body] = formatPlan(plan).split('\n');
      const note = answers.length ? ['', ...wrap(`With form answers (not written anywhere): ${answers.map((a) => `${a.key}=${JSON.stringify(a.value)}`).join(', ')}`, 100)] : [];
      console.log([head, ...note, ...body].join('\n'));
      return 0;
    }
    case 'diff': {
      const model = buildModel();
      const [plant] = plantsNamed(model, valuesDir, args);
      const d = await diffPlant(model, plant!, projectRoot);
      console.log(json ? JSON.stringify(d, null, 2) : formatDiff(d));
      return d.same ? 0 : 1;
    }
    case 'publish': {
      const pushed = await publishOci({ catalogRoot: path.join(projectRoot, 'catalog'), target: args[0]!, plainHttp: opts['plain-http'] === true });
      for (const p of pushed) console.log(`${p.chart} ${p.version}  ${p.reference}`);
      console.log(`pushed ${pushed.length} chart version(s); digests recorded in catalog/${OCI_DIGESTS}`);
      return 0;
    }
    case 'images': {
      const [plant] = plantsNamed(buildModel(), valuesDir, args);
      const images = plantImages(plant!.values, project().version);
      const commands = mirrorCommands(images);
      if (json) {
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
      const [id, site] = args as [string, string];
      const model = buildModel();
      const [plant] = plantsNamed(model, valuesDir, [id]);
      const node = siteNode(plant!, site, opts.gpu === true, str('role') ?? 'agent');
      const report = siteReport(node, await planPlant(model, plant!));
      console.log(json ? JSON.stringify(report, null, 2) : formatSite(report));
      return 0;
    }
    case 'new': {
      const preset = str('preset') ?? 'hybrid';
      if (!PRESETS.includes(preset as Preset)) throw new UsageError(`--preset must be one of ${PRESETS.join(', ')} (got "${preset}")`, command);
      const id = args[0]!;
      const file = scaffoldPlant(valuesDir, id, str('name') ?? id, preset as Preset);
      const values = str('values') ? ` --values ${valuesDir}` : '';
      console.log(
        [
          `wrote ${shown(file)}`,
          '',
          'Next:',
          `  1. edit ${shown(file)}:`,
          '     plant.description, then under values: the sites (sites.onprem, sites.cloud), where each',
          '     service runs (<service>.placement), ingress.host, the image registry',
          '     (every key: charts/kubevision/README.md)',
          `  2. npm run kubevision -- plan ${id}${values}`,
          '     where each service runs, which calls cross the WAN (--set KEY=VALUE: try form answers)',
          `  3. npm run kubevision -- site ${id} onprem${values}`,
          '     how to prepare its nodes (also: cloud, --gpu, --role server)',
          `  4. npm run build -- ${id}${values}`,
          `     its chart and catalog: charts/kubevision-${id}/, catalog/${id}/`,
        ].join('\n'),
      );
      return 0;
    }
    case 'list': {
      const plants = loadPlants(buildModel(), valuesDir);
      if (json) {
        console.log(JSON.stringify(plants.map((p) => ({ id: p.id, displayName: p.displayName, description: p.description, file: p.file, chart: `kubevision-${p.id}` })), null, 2));
        return 0;
      }
      for (const p of plants) console.log(`${p.id.padEnd(24)} ${p.displayName}`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command ${command.name}`);
  }
}

/** What changed in a chart's new version: its Chart.yaml's artifacthub.io/changes, as the build wrote it. */
function changesText(projectRoot: string, c: { name: string; version: string; catalog: string }): string {
  let changes: Change[] = [];
  try {
    const text = publishedChanges(readFileSync(path.join(projectRoot, 'charts', c.name, 'Chart.yaml'), 'utf8'));
    changes = text ? (YAML.parse(text) as Change[]) : [];
  } catch {
    // No Chart.yaml to read: the version line says enough.
  }
  const grouped = groupedChanges(changes);
  const max = 8;
  const lines = grouped.slice(0, max).flatMap((x) => indented(`${x.kind}: ${x.description}`, '    '));
  if (grouped.length > max) lines.push(`    ... and ${grouped.length - max} more (artifacthub.io/changes in charts/${c.name}/Chart.yaml)`);
  return [`  ${c.name} ${c.version} (catalog/${c.catalog}):`, ...(lines.length ? lines : ['    (no change description)'])].join('\n');
}

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
    if (err instanceof PublishError || err instanceof CliError || err instanceof SiteError) {
      console.error(err.message);
      process.exit(1);
    }
    if (err instanceof SigningError) {
      console.error(`${err.message}\nnothing was written (check KUBEVISION_SIGN_KEY and the key's GnuPG home)`);
      process.exit(1);
    }
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${err.command ? usageHint(err.command) : usage().trimEnd()}`);
      process.exit(2);
    }
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
