import type { ChartFileMap } from '../catalog/archive.ts';
import { CHANGES_ANNOTATION } from '../catalog/changes.ts';
import YAML from 'yaml';
import { helmYamlDocument, toHelmYaml } from '../helm/yaml.ts';
import type { Group } from '../params/dsl.ts';
import type { Rule } from '../params/rules.ts';
import { artifactHubImages, plantImages } from '../images/plant-images.ts';
import { project } from '../project.ts';
import { requestedCapacity } from './capacity.ts';
import { chartReadme, notesTxt } from './docs.ts';
import { renderQuestions } from './files/questions.ts';
import { renderSchema } from './files/schema.ts';
import { renderValuesYaml } from './files/values-yaml.ts';
import type { KubeVisionValues } from '../params/kubevision.ts';

/** Kubernetes versions the templates target (autoscaling/v2, policy/v1, networking/v1). */
export const KUBE_VERSION = '>=1.25.0-0';
/**
 * Rancher versions whose dashboard sends what the tests replay (install.vue's global values
 * and the questions form are the same from v2.9.0 to v2.14.4 and the development head).
 * Rancher hides chart versions whose range excludes it (pkg/catalogv2/content filterReleases).
 */
export const RANCHER_VERSION = '>= 2.9.0-0';

export const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#1f6feb"/>' +
  '<circle cx="32" cy="27" r="11" fill="none" stroke="#fff" stroke-width="4"/>' +
  '<path d="M14 54c3-9 10-13 18-13s15 4 18 13" fill="none" stroke="#fff" stroke-width="4" stroke-linecap="round"/></svg>\n';
/**
 * The icon is a file of each catalog, not a data: URI: Rancher rewrites every index icon to
 * its own icon link and then fetches the original (rancher/rancher
 * pkg/catalogv2/content/translate.go TranslateURLs, content.go Icon): over HTTP relative to
 * the repository URL (pkg/catalogv2/http/download.go Icon), in a git repository as a path
 * below the clone with any file:// removed (pkg/catalogv2/git/content.go Icon, relative). A
 * data: URI fails both. helm lint requires a URL with a scheme in Chart.yaml
 * (validateChartIconURL), so Chart.yaml says file://, the index the plain relative path.
 */
export const ICON_PATH = 'assets/kubevision.svg';
export const CHART_YAML_ICON = `file://${ICON_PATH}`;

export interface ChartSpec {
  name: string;
  title: string;
  description: string;
  /** Text above the Rancher form and the README's opening. */
  intro: string;
  root: Group;
  defaults: KubeVisionValues;
  /** The chart's rules: the form offers only answers that keep them. */
  rules: Rule[];
  templates: Map<string, string>;
}

/** A chart's files but Chart.yaml, whose version the catalog decides (src/catalog/versions.ts). */
export interface ChartContent {
  name: string;
  body: Map<string, string>;
  /** `changes`: the version's artifacthub.io/changes annotation (src/catalog/changes.ts). */
  chartYaml(version: string, changes?: string): Record<string, unknown>;
}

export function chartContent(c: ChartSpec): ChartContent {
  const body = new Map<string, string>();
  body.set(
    'values.yaml',
    renderValuesYaml(c.root, c.defaults, ` ${c.title}: default values.\n Generated from src/params (one declaration per value). Do not edit; override at install.`),
  );
  body.set('values.schema.json', `${JSON.stringify(renderSchema(c.root, c.defaults, c.title), null, 2)}\n`);
  body.set('questions.yaml', toHelmYaml({ questions: renderQuestions(c.root, c.defaults, c.rules) }));
  body.set('app-readme.md', `# ${c.title}\n\n${c.intro}\n`);
  body.set('README.md', chartReadme({ chartName: c.name, title: c.title, intro: c.intro, root: c.root, defaults: c.defaults }));
  body.set('templates/NOTES.txt', notesTxt());
  for (const [name, text] of c.templates) body.set(`templates/${name}`, text);
  const capacity = requestedCapacity(c.defaults);
  const p = project();
  return {
    name: c.name,
    body,
    chartYaml: (version, changes) => ({
      apiVersion: 'v2',
      name: c.name,
      version,
      appVersion: p.version,
      kubeVersion: KUBE_VERSION,
      description: c.description,
      type: 'application',
      home: p.home,
      sources: p.sources,
      icon: CHART_YAML_ICON,
      keywords: ['kubevision', 'face-authentication', 'k3s', 'edge', 'rancher'],
      maintainers: [p.maintainer],
      annotations: {
        'catalog.cattle.io/display-name': c.title,
        'catalog.cattle.io/kube-version': KUBE_VERSION,
        'catalog.cattle.io/rancher-version': RANCHER_VERSION,
        'catalog.cattle.io/os': 'linux',
        'catalog.cattle.io/permits-os': 'linux',
        'catalog.cattle.io/type': 'app',
        'catalog.cattle.io/release-name': 'kubevision',
        'catalog.cattle.io/namespace': 'kubevision',
        'catalog.cattle.io/requests-cpu': capacity.cpu,
        'catalog.cattle.io/requests-memory': capacity.memory,
        // What the plant pulls with its defaults (an air-gapped plant mirrors exactly these).
        'artifacthub.io/images': artifactHubImages(plantImages(c.defaults, p.version)),
        // Artifact Hub reads the SPDX id from here (docs/helm_annotations.md); none is claimed while the project grants none.
        ...(p.license === undefined ? {} : { 'artifacthub.io/license': p.license }),
        ...(changes === undefined ? {} : { [CHANGES_ANNOTATION]: changes }),
      },
    }),
  };
}

export function renderChartYaml(meta: Record<string, unknown>): string {
  const opts = { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' } as const;
  const doc = helmYamlDocument(meta);
  // Annotations that hold YAML themselves (artifacthub.io/images) read best as a block, as Artifact Hub's docs write them.
  YAML.visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && node.value.includes('\n')) node.type = 'BLOCK_LITERAL';
    },
  });
  return doc.toString({ lineWidth: 0, ...opts });
}

/** Every file of the chart at `version`, by path inside the chart folder. */
export function filesAt(c: ChartContent, version: string, changes?: string): ChartFileMap {
  return new Map<string, string | Buffer>([['Chart.yaml', renderChartYaml(c.chartYaml(version, changes))], ...c.body]);
}
