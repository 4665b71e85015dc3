import type { ValuePath } from '../params/dsl.ts';
import type { KubeVisionValues } from '../params/kubevision.ts';

/** A path into the chart's values, checked against their declarations when it compiles. */
export type ChartPath = ValuePath<KubeVisionValues>;

/**
 * `.Values.<path>` for a template expression. Templates name values only through this, so
 * a renamed or misspelt value fails to compile instead of rendering empty.
 */
export const ref = (path: ChartPath): string => `.Values.${path}`;
