import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planMap } from '../../src/plan/map.ts';
import { planPlant, type Plan } from '../../src/plan/plan.ts';
import { SITES, type Site } from '../../src/placement/sites.ts';
import type { K8sObject } from '../../src/plan/render.ts';
import type { Plant } from '../../src/plant/load.ts';
import { kubevision } from '../support/cli.ts';
import { component, plantChartDir, template, theModel, thePlants } from '../support/plants.ts';
import { findAll, hasClass, parseSvg, textsOf, type XmlNode } from './svg-tree.ts';

/**
 * The placement map (src/plan/map.ts) read back with an XML parser and checked against the
 * plant chart as helm renders it (the build's charts/kubevision-<plant>): every workload in
 * the site its node affinity selects, GPU workloads among GPU nodes, and every arrow a call
 * the rendered NetworkPolicies admit, marked as crossing the WAN exactly when its ends sit
 * on different sites.
 */

const plants = thePlants();
const plantNamed = (id: string) => plants.find((p) => p.id === id)!;
const maps = new Map<string, Promise<{ plan: Plan; svg: string }>>();
const mapOf = (p: Plant) => {
  if (!maps.has(p.id)) maps.set(p.id, planPlant(theModel(), p).then((plan) => ({ plan, svg: planMap(plan) })));
  return maps.get(p.id)!;
};

interface Rendered {
  component: string;
  sites: Site[];
  /** The node labels of the term that selects the site. */
  labels: Record<string, string>;
  gpu: boolean;
}

/** What the rendered chart asks of the scheduler, read here without src/placement/read-back.ts. */
function renderedWorkloads(objs: K8sObject[], plant: Plant): Rendered[] {
  return objs
    .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
    .map((o) => {
      const pod = (o.spec as { template: { spec: Record<string, any> } }).template.spec; // eslint-disable-line @typescript-eslint/no-explicit-any
      const terms: Record<string, string>[] = (pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []).map(
        (t: { matchExpressions?: { key: string; values: string[] }[] }) => Object.fromEntries((t.matchExpressions ?? []).map((e) => [e.key, e.values[0]])),
      );
      const selects = (s: Site) => (t: Record<string, string>) => t[plant.values.sites[s].nodeLabel.key] === plant.values.sites[s].nodeLabel.value;
      const sites = SITES.filter((s) => terms.some(selects(s)));
      const limits: Record<string, unknown> = pod.containers[0].resources?.limits ?? {};
      return {
        component: component(o)!,
        sites,
        labels: sites.length === 1 ? terms.find(selects(sites[0]!))! : {},
        gpu: Object.keys(limits).some((k) => k !== 'cpu' && k !== 'memory'),
      };
    });
}

/** Who each workload admits, from its rendered NetworkPolicy: components, or 'anywhere'. */
function admitted(objs: K8sObject[]): Map<string, Set<string> | 'anywhere'> {
  const out = new Map<string, Set<string> | 'anywhere'>();
  for (const np of objs.filter((o) => o.kind === 'NetworkPolicy')) {
    const spec = np.spec as { ingress?: { from?: { podSelector?: { matchLabels?: Record<string, string> } }[] }[] };
    const rules = spec.ingress ?? [];
    const from = rules.some((r) => !r.from) ? 'anywhere' : new Set(rules.flatMap((r) => r.from!.map((f) => f.podSelector?.matchLabels?.['app.kubernetes.io/component'] ?? '?')));
    out.set(component(np)!, from);
  }
  return out;
}

const attr = (n: XmlNode, name: string) => n.attrs[name] ?? '';
const callStroke = (call: XmlNode) => findAll(call, (e) => e.name === 'path')[0]!.attrs;

describe('the placement map of each plant', () => {
  it.each(plants.map((p) => p.id))('%s: sites, node kinds and services are where the rendered chart schedules them', async (id) => {
    const plant = plantNamed(id);
    const objs = await template(plantChartDir(id));
    const { svg } = await mapOf(plant);
    const root = parseSvg(svg);
    const sites = findAll(root, hasClass('site'));
    expect(sites.map((s) => attr(s, 'data-site'))).toEqual(['onprem', 'cloud']);
    const rendered = renderedWorkloads(objs, plant);
    const drawn = findAll(root, hasClass('service'));
    expect(drawn.map((s) => attr(s, 'data-service')).sort()).toEqual(rendered.map((w) => w.component).sort());
    for (const w of rendered) {
      const box = drawn.find((s) => attr(s, 'data-service') === w.component)!;
      expect(textsOf(box)[0], `${w.component}'s box is labelled with its name`).toBe(w.component);
      if (w.sites.length !== 1) {
        expect(hasClass('either-site')(box) || hasClass('no-site')(box), `${w.component} is drawn outside the sites`).toBe(true);
        continue;
      }
      const site = sites.find((s) => attr(s, 'data-site') === w.sites[0])!;
      const kind = findAll(site, hasClass('node-kind')).find((k) => findAll(k, hasClass('service')).includes(box));
      expect(kind, `${w.component} is inside the ${w.sites[0]} site`).toBeDefined();
      expect(attr(kind!, 'data-node-kind'), `${w.component} among ${w.gpu ? 'GPU' : 'plain'} nodes`).toBe(w.gpu ? 'gpu' : 'cpu');
      expect(textsOf(kind!)[0]).toBe(w.gpu ? 'GPU nodes' : attr(kind!, 'data-labels') ? 'Labelled nodes' : 'Nodes');
      const siteKey = plant.values.sites[w.sites[0]!].nodeLabel.key;
      const wanted = Object.entries(w.labels).filter(([k]) => k !== siteKey).map(([k, v]) => `${k}=${v}`).sort();
      expect(attr(kind!, 'data-labels').split(',').filter(Boolean), `the node labels ${w.component} needs`).toEqual(wanted);
    }
  });

  it.each(plants.map((p) => p.id))('%s: the arrows are the calls the rendered NetworkPolicies admit, marked where they cross the WAN', async (id) => {
    const plant = plantNamed(id);
    const objs = await template(plantChartDir(id));
    const rendered = new Map(renderedWorkloads(objs, plant).map((w) => [w.component, w]));
    const admits = admitted(objs);
    const root = parseSvg((await mapOf(plant)).svg);
    const calls = findAll(root, hasClass('call'));
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) {
      const from = attr(c, 'data-from');
      const to = attr(c, 'data-to');
      const where = attr(c, 'data-path');
      const name = `${from} -> ${to}`;
      if (where === 'external') {
        expect(rendered.has(to), `${name}: the chart runs no ${to} of its own`).toBe(false);
        expect(findAll(root, hasClass('external')).map((e) => attr(e, 'data-service'))).toContain(to);
      } else {
        const admit = admits.get(to);
        expect(admit, `${to} has a NetworkPolicy`).toBeDefined();
        if (from === 'ingress') expect(admit, `${name}: the Ingress controller reaches ${to}`).toBe('anywhere');
        else expect(admit === 'anywhere' || admit!.has(from), `${name} is admitted by ${to}'s NetworkPolicy`).toBe(true);
      }
      const a = rendered.get(from);
      const b = rendered.get(to);
      const crosses = !!a && !!b && a.sites.length === 1 && b.sites.length === 1 && a.sites[0] !== b.sites[0];
      expect(where === 'crosses', `${name} crosses the WAN (${a?.sites} -> ${b?.sites})`).toBe(crosses);
      expect(hasClass('call-crosses')(c)).toBe(crosses);
      expect(textsOf(c).includes('WAN'), `${name} is labelled WAN`).toBe(crosses);
      if (a && b && a.sites.length === 1 && a.sites[0] === b.sites[0] && b.sites.length === 1) expect(where).toBe('local');
    }
    // Every call between the chart's workloads that a NetworkPolicy admits is drawn.
    for (const [to, from] of admits) {
      if (from === 'anywhere') continue;
      for (const f of from) expect(calls.some((c) => attr(c, 'data-from') === f && attr(c, 'data-to') === to), `${f} -> ${to} is drawn`).toBe(true);
    }
  });
});

describe('the placement map', () => {
  it('marks a call across the WAN, and not a local one (linz-assembly: auth in the cloud, MongoDB on-premise)', async () => {
    const plant = plantNamed('linz-assembly');
    const rendered = new Map(renderedWorkloads(await template(plantChartDir(plant.id)), plant).map((w) => [w.component, w]));
    expect([rendered.get('auth')!.sites, rendered.get('mongodb')!.sites, rendered.get('frontend')!.sites]).toEqual([['cloud'], ['onprem'], ['cloud']]);
    const calls = findAll(parseSvg((await mapOf(plant)).svg), hasClass('call'));
    const call = (from: string, to: string) => calls.find((c) => attr(c, 'data-from') === from && attr(c, 'data-to') === to)!;
    const wan = call('auth', 'mongodb');
    const local = call('frontend', 'auth');
    expect(attr(wan, 'data-path')).toBe('crosses');
    expect(textsOf(wan)).toEqual(['WAN']);
    expect(callStroke(wan)).toMatchObject({ stroke: '#cf222e', 'stroke-dasharray': '10 5', 'marker-end': 'url(#arrow-crosses)' });
    expect(attr(local, 'data-path')).toBe('local');
    expect(textsOf(local)).toEqual([]);
    expect(callStroke(local).stroke).not.toBe('#cf222e');
    expect(callStroke(local)['stroke-dasharray']).toBeUndefined();
    // The legend says what red dashed means.
    expect(textsOf(findAll(parseSvg((await mapOf(plant)).svg), hasClass('legend'))[0]!)).toContain('call across the WAN: stops while the link is down');
  });

  it('is the same bytes for the same plan, and escapes text', async () => {
    const { plan, svg } = await mapOf(plantNamed('linz-assembly'));
    expect(planMap(plan)).toBe(svg);
    const odd = `Plant <b>&"'\u0001 ]]>`;
    const escaped = planMap({ ...plan, plant: { ...plan.plant, displayName: odd } });
    expect(escaped).not.toContain('<b>');
    const title = findAll(parseSvg(escaped), (e) => e.name === 'title')[0]!;
    expect(title.text).toBe(`Plant <b>&"'\uFFFD ]]> (linz-assembly): where the chart runs each service`);
  });

  it('kubevision plan PLANT --svg FILE writes the map of the plan', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kv-map-'));
    try {
      const file = path.join(dir, 'linz.svg');
      const r = await kubevision(['plan', 'linz-assembly', '--svg', file]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Plant Linz Final Assembly');
      expect(readFileSync(file, 'utf8')).toBe((await mapOf(plantNamed('linz-assembly'))).svg);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
