import { toHelmYaml } from '../helm/yaml.ts';
import type { Group } from '../params/dsl.ts';
import { requestedCapacity } from './capacity.ts';
import { chartReadme, notesTxt } from './docs.ts';
import { renderQuestions } from './files/questions.ts';
import { renderSchema } from './files/schema.ts';
import { renderValuesYaml } from './files/values-yaml.ts';

/** Kubernetes versions the templates target (autoscaling/v2, policy/v1, networking/v1). */
export const KUBE_VERSION = '>=1.25.0-0';

/** Inline, so air-gapped Rancher installations show it too. */
const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#1f6feb"/>' +
  '<circle cx="32" cy="27" r="11" fill="none" stroke="#fff" stroke-width="4"/>' +
  '<path d="M14 54c3-9 10-13 18-13s15 4 18 13" fill="none" stroke="#fff" stroke-width="4" stroke-linecap="round"/></svg>';
export const ICON = `data:image/svg+xml;base64,${Buffer.from(ICON_SVG).toString('base64')}`;

export interface ChartSpec {
  name: string;
  version: string;
  title: string;
  description: string;
  /** Text above the Rancher form and the README's opening. */
  intro: string;
  root: Group;
  defaults: Record<string, unknown>;
  /** Tailor the form to these defaults (a plant chart). */
  tailored: boolean;
  templates: Map<string, string>;
}

/** Every file of one chart, by path inside the chart folder. */
export function chartFiles(c: ChartSpec): Map<string, string> {
  const files = new Map<string, string>();
  const capacity = requestedCapacity(c.defaults);
  const chartYaml = {
    apiVersion: 'v2',
    name: c.name,
    version: c.version,
    appVersion: c.version,
    kubeVersion: KUBE_VERSION,
    description: c.description,
    type: 'application',
    icon: ICON,
    keywords: ['kubevision', 'face-authentication', 'k3s', 'edge', 'rancher'],
    maintainers: [{ name: 'KubeVision' }],
    annotations: {
      'catalog.cattle.io/display-name': c.title,
      'catalog.cattle.io/kube-version': KUBE_VERSION,
      'catalog.cattle.io/os': 'linux',
      'catalog.cattle.io/type': 'app',
      'catalog.cattle.io/release-name': 'kubevision',
      'catalog.cattle.io/namespace': 'kubevision',
      'catalog.cattle.io/requests-cpu': capacity.cpu,
      'catalog.cattle.io/requests-memory': capacity.memory,
    },
  };
  files.set('Chart.yaml', toHelmYaml(chartYaml, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' }));
  files.set(
    'values.yaml',
    renderValuesYaml(c.root, c.defaults, ` ${c.title}: default values.\n Generated from src/params (one declaration per value). Do not edit; override at install.`),
  );
  files.set('values.schema.json', `${JSON.stringify(renderSchema(c.root, c.defaults, c.title), null, 2)}\n`);
  files.set(
    'questions.yaml',
    toHelmYaml({ questions: renderQuestions(c.root, c.defaults, c.tailored) }),
  );
  files.set('app-readme.md', `# ${c.title}\n\n${c.intro}\n`);
  files.set('README.md', chartReadme({ chartName: c.name, title: c.title, intro: c.intro, root: c.root, defaults: c.defaults }));
  files.set('templates/NOTES.txt', notesTxt);
  for (const [name, text] of c.templates) files.set(`templates/${name}`, text);
  return files;
}
