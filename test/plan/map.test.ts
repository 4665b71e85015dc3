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
import { arrowCollisions, findAll, hasClass, parseSvg, textsOf, type XmlNode } from './svg-tree.ts';

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

/**
 * Plants beside those of values/ that place the services as those do not: on either site, on
 * none, with the external MongoDB behind services on both sites, with the Ingress controller
 * on a site and with many node labels. Their maps are only drawn, not checked against a chart.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function variant(base: Plant, id: string, change: (v: Record<string, any>) => void): Plant {
  const values = structuredClone(base.values);
  change(values);
  return { ...base, id, values };
}
const variants = (): Plant[] => [
  variant(plantNamed('linz-assembly'), 'either-site-services', (v) => {
    v.frontend.placement = 'any';
    v.auth.placement = 'any';
    v.ingress.controllerSite = 'onprem';
    v.face.nodeSelector = { 'example.com/line': 'final-assembly', 'example.com/camera-station': 'gate-3', 'example.com/zone': 'a' };
  }),
  variant(plantNamed('linz-assembly'), 'split-with-external-db', (v) => {
    v.frontend.placement = 'onprem';
    v.ingress.controllerSite = 'cloud';
    v.mongodb.mode = 'external';
    v.mongodb.external = { existingSecret: 'db', uriKey: 'uri' };
    v.auth.nodeSelector = { 'example.com/pool': 'login' };
  }),
  variant(plantNamed('porto-logistics'), 'everything-anywhere', (v) => {
    v.sites.onprem.enabled = true;
    for (const w of ['frontend', 'auth', 'face', 'mongodb']) v[w].placement = 'any';
    v.mongodb.mode = 'bundled';
  }),
];
/** A plan whose face service no node can take (the build refuses such a plant; the map still draws it). */
const faceOnNoSite = (plan: Plan): Plan => ({
  ...plan,
  workloads: plan.workloads.map((w) => (w.component === 'face' ? { ...w, sites: [] } : w)),
  calls: plan.calls.map((c) => (c.from === 'face' || c.to === 'face' ? { ...c, path: 'may', fromSites: [], toSites: [] } : c)),
});

describe('where the arrows of the placement map run', () => {
  it.each(plants.map((p) => p.id))('%s: no arrow or label crosses a text, a box other than its ends, or another label', async (id) => {
    expect(arrowCollisions(parseSvg((await mapOf(plantNamed(id))).svg))).toEqual([]);
  });

  it.each(variants().map((p) => [p.id, p] as const))('%s (a variant plant): no arrow or label crosses a text, a box other than its ends, or another label', async (_, p) => {
    const plan = await planPlant(theModel(), p);
    const root = parseSvg(planMap(plan));
    expect(findAll(root, hasClass('call')).length, 'every call is drawn').toBe(plan.calls.length);
    expect(arrowCollisions(root)).toEqual([]);
  });

  it('face-on-no-site (stuttgart-body-shop, face on no site): no arrow or label crosses a text, a box other than its ends, or another label', async () => {
    const plan = faceOnNoSite((await mapOf(plantNamed('stuttgart-body-shop'))).plan);
    const root = parseSvg(planMap(plan));
    expect(findAll(root, hasClass('no-site')).map((e) => attr(e, 'data-service'))).toEqual(['face']);
    expect(arrowCollisions(root)).toEqual([]);
  });

  it('the check finds an arrow over a caption and over another box', () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg">
      <g class="service" data-service="a"><rect x="0" y="0" width="100" height="50"/></g>
      <g class="service" data-service="b"><rect x="0" y="100" width="100" height="50"/></g>
      <g class="service" data-service="c"><rect x="0" y="200" width="100" height="50"/></g>
      <text x="200" y="150" font-size="13">GPU nodes</text>
      <g class="call" data-from="a" data-to="c" data-path="local"><path d="M50 50 L50 200"/></g>
      <g class="call" data-from="b" data-to="c" data-path="crosses"><path d="M100 125 C260 125 260 225 100 225"/><rect x="230" y="170" width="36" height="18"/><text x="248" y="183" font-size="11">WAN</text></g>
    </svg>`;
    expect(arrowCollisions(parseSvg(svg))).toEqual(['a -> c: its arrow crosses b', 'b -> c: its arrow crosses text "GPU nodes"']);
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
