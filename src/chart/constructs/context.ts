import { Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
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

/** Names and labels of one workload, as template expressions. */
export class Naming {
  constructor(
    private readonly t: Templater,
    readonly component: string,
  ) {}

  get name(): string {
    return `${this.t.value('include "kubevision.fullname" .')}-${this.component}`;
  }

  nameOf(component: string): string {
    return `${this.t.value('include "kubevision.fullname" .')}-${component}`;
  }

  get labels(): Record<string, string> {
    return this.t.splice(`include "kubevision.labels" (list . "${this.component}")`);
  }

  get selector(): Record<string, string> {
    return this.selectorOf(this.component);
  }

  selectorOf(component: string): Record<string, string> {
    return this.t.splice(`include "kubevision.selectorLabels" (list . "${component}")`);
  }

  metadata(extra: { annotations?: Record<string, string> } = {}) {
    return { name: this.name, labels: this.labels, ...extra };
  }
}
