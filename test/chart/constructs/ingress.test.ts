import { describe, expect, it } from 'vitest';
import { HTTP_PORT } from '../../../apps/shared/contract.ts';
import type { K8sObject } from '../../../src/plan/render.ts';
import { ofComponent, renderWith } from '../../support/plants.ts';

/**
 * DashboardIngress (src/chart/constructs/ingress.ts): the one way in from outside, to the
 * dashboard's Service port (never its management port). Rendered by real helm.
 */
const ingresses = (objs: K8sObject[]) => objs.filter((o) => o.kind === 'Ingress') as (K8sObject & { spec: Spec })[];
interface Spec {
  ingressClassName: string;
  tls?: { hosts: string[]; secretName: string }[];
  rules: { host?: string; http: { paths: { path: string; pathType: string; backend: { service: { name: string; port: { number: number } } } }[] } }[];
}

describe('DashboardIngress', () => {
  it("at the defaults: every host, the plant's class, to the dashboard's Service port", async () => {
    const objs = await renderWith();
    const [ing] = ingresses(objs);
    const spec = ing!.spec;
    expect(spec.ingressClassName).toBe('traefik');
    expect(spec).not.toHaveProperty('tls');
    expect(ing!.metadata).not.toHaveProperty('annotations');
    expect(spec.rules).toEqual([
      { http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: ofComponent(objs, 'Service', 'frontend').metadata.name, port: { number: HTTP_PORT } } } }] } },
    ]);
  });

  it("a host with TLS from the plant's Secret, or from one cert-manager fills (named after the release unless given), asked for by annotation", async () => {
    const own = ingresses(await renderWith('ingress.host=kv.plant.example', 'ingress.tls.enabled=true', 'ingress.tls.secretName=kv-cert', 'ingress.className=nginx'))[0]!;
    expect(own.spec.rules[0]!.host).toBe('kv.plant.example');
    expect(own.spec.tls).toEqual([{ hosts: ['kv.plant.example'], secretName: 'kv-cert' }]);
    expect(own.spec.ingressClassName).toBe('nginx');
    expect(own.metadata).not.toHaveProperty('annotations');

    const managed = ingresses(
      await renderWith('ingress.host=kv.plant.example', 'ingress.tls.enabled=true', 'ingress.tls.mode=certManager', 'ingress.tls.clusterIssuer=plant-ca', 'ingress.annotations.example\\.com/x=y'),
    )[0]!;
    expect(managed.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'plant-ca', 'example.com/x': 'y' });
    expect(managed.spec.tls).toEqual([{ hosts: ['kv.plant.example'], secretName: 'kv-kubevision-tls' }]);
  });

  it('turned off, or without the dashboard, no Ingress', async () => {
    expect(ingresses(await renderWith('ingress.enabled=false'))).toEqual([]);
    expect(ingresses(await renderWith('ingress.enabled=false', 'frontend.enabled=false'))).toEqual([]);
  });
});
