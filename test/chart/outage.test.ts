import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../src/plan/render.ts';
import { plantNodes } from '../support/nodes.ts';
import { component, plantChartDir, renderWith, template } from '../support/plants.ts';
import { schedulableOn } from '../support/scheduler.ts';
import { NOT_READY, UNREACHABLE, evictionAfter } from '../support/taint-eviction.ts';

/**
 * A WAN outage leaves an edge node running but cut off from its server: Kubernetes marks it
 * unreachable and, by default, evicts its pods after 300 s (test/support/taint-eviction.ts
 * follows the admission plugin and the taint eviction controller). On-premise workloads stay
 * (sites.onprem.outage), each site as its values say.
 */
const workloads = (objs: K8sObject[]) =>
  Object.fromEntries(objs.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet').map((o) => [component(o)!, o])) as Record<string, K8sObject>;
const node = (name: string) => plantNodes.find((n) => n.name === name)!;

describe('on-premise pods through a link outage', () => {
  it('linz-assembly: face and MongoDB stay on their unreachable or not-ready edge nodes; the cloud services are evicted after 300 s', async () => {
    const w = workloads(await template(plantChartDir('linz-assembly')));
    for (const condition of [UNREACHABLE, NOT_READY]) {
      expect(evictionAfter(w.face!, node('edge-gpu'), condition)).toBe(Infinity);
      expect(evictionAfter(w.mongodb!, node('edge'), condition)).toBe(Infinity);
      expect(evictionAfter(w.auth!, node('cloud'), condition)).toBe(300);
      expect(evictionAfter(w.frontend!, node('cloud'), condition)).toBe(300);
    }
  });

  it('the tolerations change nothing about where pods are scheduled', async () => {
    const plain = workloads(await renderWith('sites.onprem.outage.keepPods=false'));
    const kept = workloads(await renderWith('sites.cloud.outage.keepPods=true'));
    for (const name of ['frontend', 'auth', 'face', 'mongodb']) expect(schedulableOn(kept[name]!, plantNodes), name).toEqual(schedulableOn(plain[name]!, plantNodes));
    expect(schedulableOn(kept.mongodb!, plantNodes)).toEqual(['edge']);
  });

  it('a time limit per site, or Kubernetes\' default when the site does not keep its pods', async () => {
    expect(evictionAfter(workloads(await renderWith('sites.onprem.outage.tolerationSeconds=3600')).mongodb!, node('edge'))).toBe(3600);
    expect(evictionAfter(workloads(await renderWith('sites.onprem.outage.keepPods=false')).mongodb!, node('edge'))).toBe(300);
    expect(evictionAfter(workloads(await renderWith('sites.cloud.outage.keepPods=true', 'auth.placement=cloud')).auth!, node('cloud'))).toBe(Infinity);
  });

  it('placement any keeps its pods only when every site does, for the shortest time any sets', async () => {
    expect(evictionAfter(workloads(await renderWith()).auth!, node('edge'))).toBe(300);
    const both = workloads(await renderWith('sites.cloud.outage.keepPods=true', 'sites.cloud.outage.tolerationSeconds=900'));
    expect(evictionAfter(both.auth!, node('edge'))).toBe(900);
    expect(evictionAfter(both.auth!, node('cloud'))).toBe(900);
  });

  it('a NoExecute site taint is still tolerated, and the outage with it', async () => {
    const w = workloads(await renderWith('sites.onprem.taint.effect=NoExecute'));
    const edge = { ...node('edge'), taints: [{ key: 'kubevision.io/site', value: 'onprem', effect: 'NoExecute' as const }] };
    expect(evictionAfter(w.mongodb!, edge)).toBe(Infinity);
  });
});
