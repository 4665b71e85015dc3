/**
 * What placement means, in one place (src/placement/): the sites a plant has, the
 * placements a workload may take, and how a taint is written. The chart's side of it is
 * src/placement/_placement.tpl; the rules that keep placements possible are ./rules.ts;
 * what the rendered chart schedules where is read back by ./read-back.ts, and the nodes a
 * plant must prepare are modelled in ./nodes.ts.
 */
export const PLACEMENTS = ['onprem', 'cloud', 'any'] as const;
export type Placement = (typeof PLACEMENTS)[number];
export const SITES = ['onprem', 'cloud'] as const;
export type Site = (typeof SITES)[number];

export const siteTitle: Record<Site, string> = { onprem: 'on-premise', cloud: 'cloud' };

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

/** A taint or a toleration of one: what formatTaint needs. */
export interface Taint {
  /** A toleration without a key tolerates every taint. */
  key?: string;
  /** Empty: the taint is the key alone (`key:Effect`). */
  value?: string;
  effect?: string;
}

/** `key=value:Effect`, or `key:Effect` for a taint (or toleration) without a value, as kubectl writes it. */
export const formatTaint = (t: Taint) => `${t.key ?? ''}${t.value ? `=${t.value}` : ''}:${t.effect ?? ''}`;
