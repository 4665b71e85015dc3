import { mkdirSync, writeFileSync } from 'node:fs';
import YAML from 'yaml';
import { genericChart } from '../pipeline/charts.ts';
import { buildModel } from '../model.ts';
import { renderChart } from '../plan/render.ts';

/**
 * `cdk8s synth` entry (cdk8s.yaml): the constructs carry Helm template markers, so a
 * static preview is the generic chart rendered by helm with its defaults, in dist/.
 */
const objects = await renderChart(genericChart(buildModel()));
mkdirSync('dist', { recursive: true });
writeFileSync('dist/kubevision.k8s.yaml', objects.map((o) => YAML.stringify(o)).join('---\n'));
console.log(`dist/kubevision.k8s.yaml: ${objects.length} objects`);
