import { readFileSync } from 'node:fs';

/** The chart's placement helpers ("kubevision.sites", "kubevision.scheduling", "kubevision.toleration"), copied into every chart as templates/_placement.tpl. */
export const placementTpl = (): string => readFileSync(new URL('./_placement.tpl', import.meta.url), 'utf8');
