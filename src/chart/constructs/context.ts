import { Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { call, include, lit, ref, release, root, type Go } from '../go.ts';
import type { Workload } from '../../params/kubevision.ts';
import type { Templater } from '../template.ts';

/** The chart every KubeVision construct lives in: it carries the templater. */
export class KubeVisionChartBase extends Chart {
  declare readonly t: Templater;
}

export function templaterOf(scope: IConstruct): Templater {
  const chart = Chart.of(scope) as KubeVisionChartBase;
  if (!chart.t) throw new Error(`${scope.node.path} is not inside a KubeVision chart`);
  return chart.t;
}

/**
 * The TypeScript twin of the "kubevision.fullname" helper (src/chart/_helpers.tpl), for
 * docs that name objects of a concrete release. Tests compare it with rendered charts.
 */
export function fullnameOf(release: string): string {
  const name = release.includes('kubevision') ? release : `${release}-kubevision`;
  return name.slice(0, 50).replace(/-+$/, '');
}

/** True when the workload runs: its `enabled`, or for MongoDB the bundled mode. */
export const runs = (workload: Workload): Go => (workload === 'mongodb' ? call('eq', ref('mongodb.mode'), lit('bundled')) : ref(`${workload}.enabled`));

/** Every workload's objects are named fullname-component. */
export const componentName = (fullname: string, component: string) => `${fullname}-${component}`;

/** Names and labels of one workload, as template expressions. */
export class Naming {
  constructor(
    private readonly t: Templater,
    readonly component: string,
  ) {}

  get name(): string {
    return this.nameOf(this.component);
  }

  nameOf(component: string): string {
    return componentName(this.t.value(include('fullname', root)), component);
  }

  get labels(): Record<string, string> {
    return this.t.splice(include('labels', { ctx: root, component: lit(this.component) }));
  }

  get selector(): Record<string, string> {
    return this.selectorOf(this.component);
  }

  selectorOf(component: string): Record<string, string> {
    return this.t.splice(include('selectorLabels', { ctx: root, component: lit(component) }));
  }

  /**
   * Every object names its namespace, as Bitnami's charts do: `helm template | kubectl apply`
   * and GitOps tools that apply rendered manifests then put it where the release is.
   */
  metadata(extra: { annotations?: Record<string, string> } = {}) {
    return { name: this.name, namespace: this.namespace, labels: this.labels, ...extra };
  }

  get namespace(): string {
    return this.t.value(release.namespace);
  }
}
