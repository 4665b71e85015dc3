import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../../src/plan/render.ts';
import { component, renderWith } from '../../support/plants.ts';

/**
 * NetworkPolicies (src/chart/constructs/network-policies.ts): each workload admits only its
 * callers, on its service port. A NetworkPolicy selecting a pod makes its ingress default-deny
 * for everything no rule names (networking/v1 NetworkPolicySpec).
 */
type Policy = { podSelector: { matchLabels: Record<string, string> }; policyTypes: string[]; ingress: { from?: { podSelector: { matchLabels: Record<string, string> } }[]; ports: { port: string }[] }[] };
const policy = (objs: K8sObject[], name: string) => objs.find((o) => o.kind === 'NetworkPolicy' && component(o) === name)?.spec as Policy | undefined;
const from = (objs: K8sObject[], name: string) =>
  policy(objs, name)!.ingress.flatMap((r) => (r.from ? r.from.map((f) => f.podSelector.matchLabels['app.kubernetes.io/component']) : ['anywhere']));

describe('NetworkPolicies', () => {
  it('admit MongoDB only from auth and face, face only from auth, auth only from the dashboard', async () => {
    const objs = await renderWith();
    expect(from(objs, 'mongodb')).toEqual(['auth', 'face']);
    expect(from(objs, 'face')).toEqual(['auth']);
    expect(from(objs, 'auth')).toEqual(['frontend']);
    expect(from(objs, 'frontend')).toEqual(['anywhere']);
  });

  it("each admits only its own pods' service port (and the dashboard's management port, for the kubelet's probes)", async () => {
    const objs = await renderWith();
    const ports = (name: string) => policy(objs, name)!.ingress.flatMap((r) => r.ports.map((p) => p.port));
    expect(ports('mongodb')).toEqual(['mongodb']);
    expect(ports('face')).toEqual(['http']);
    expect(ports('auth')).toEqual(['http']);
    expect(ports('frontend')).toEqual(['http', 'management']);
    for (const name of ['frontend', 'auth', 'face', 'mongodb']) {
      expect(policy(objs, name)!.policyTypes).toEqual(['Ingress']);
      expect(policy(objs, name)!.podSelector.matchLabels['app.kubernetes.io/component']).toBe(name);
    }
  });

  it('none for a workload that does not run, none at all when turned off', async () => {
    const external = await renderWith('mongodb.mode=external', 'mongodb.external.existingSecret=atlas');
    expect(policy(external, 'mongodb')).toBeUndefined();
    expect(policy(await renderWith('face.enabled=false'), 'face')).toBeUndefined();
    expect((await renderWith('networkPolicy.enabled=false')).filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });
});
