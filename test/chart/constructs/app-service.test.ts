import { describe, expect, it } from 'vitest';
import { HTTP_PORT, MANAGEMENT_PORT } from '../../../apps/shared/contract.ts';
import type { K8sObject } from '../../../src/plan/render.ts';
import { appContainer, genericChartDir, kindsOf, ofComponent, renderWith, template } from '../../support/plants.ts';

/**
 * AppService (src/chart/constructs/app-service.ts): one stateless service as Deployment,
 * Service, ServiceAccount, and the autoscaler and disruption budget its values ask for,
 * rendered by real helm from the generic chart.
 */
type Spec = Record<string, unknown>;
const spec = (o: K8sObject) => o.spec as Spec;
const podLabels = (d: K8sObject) => (spec(d).template as { metadata: { labels: Record<string, string> } }).metadata.labels;

describe('AppService', () => {
  // What each service renders at the defaults (face runs one replica: no budget), and the
  // answers that turn it off (the dashboard cannot run without auth: src/params/rules.ts).
  const cases = [
    ['frontend', ['Deployment', 'Ingress', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount'], ['frontend.enabled=false', 'ingress.enabled=false']],
    ['auth', ['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount'], ['frontend.enabled=false', 'ingress.enabled=false', 'auth.enabled=false']],
    ['face', ['Deployment', 'NetworkPolicy', 'Service', 'ServiceAccount'], ['face.enabled=false']],
  ] as const;

  it.each(cases)('%s: a Deployment, its Service and its own ServiceAccount; disabled, no object of it at all', async (service, kinds, off) => {
    const objs = await renderWith();
    expect(kindsOf(objs, service)).toEqual(kinds);
    const d = ofComponent(objs, 'Deployment', service);
    const svc = ofComponent(objs, 'Service', service);
    // A Service selects its pods by a subset of their labels (kube-proxy's EndpointSlice controller).
    expect(Object.entries(spec(svc).selector as Record<string, string>).every(([k, v]) => podLabels(d)[k] === v)).toBe(true);
    expect(spec(svc).ports).toEqual([{ name: 'http', port: HTTP_PORT, targetPort: 'http', protocol: 'TCP' }]);
    const sa = ofComponent(objs, 'ServiceAccount', service);
    expect((spec(d).template as { spec: { serviceAccountName: string } }).spec.serviceAccountName).toBe(sa.metadata.name);
    expect(sa.automountServiceAccountToken).toBe(false);

    expect(kindsOf(await renderWith(...off), service)).toEqual([]);
  });

  it('replicas come from replicaCount, unless an autoscaler owns them (then the Deployment names none, so an upgrade does not reset it)', async () => {
    const fixed = ofComponent(await renderWith('auth.replicaCount=3'), 'Deployment', 'auth');
    expect(spec(fixed).replicas).toBe(3);

    const objs = await renderWith('auth.autoscaling.enabled=true', 'auth.autoscaling.minReplicas=3', 'auth.autoscaling.maxReplicas=7', 'auth.autoscaling.targetCPUUtilizationPercentage=60');
    const d = ofComponent(objs, 'Deployment', 'auth');
    expect(spec(d)).not.toHaveProperty('replicas');
    expect(spec(ofComponent(objs, 'HorizontalPodAutoscaler', 'auth'))).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name },
      minReplicas: 3,
      maxReplicas: 7,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
    });
    expect(kindsOf(objs, 'frontend')).not.toContain('HorizontalPodAutoscaler');
  });

  it('a disruption budget only where two pods can run: with one, it would block every node drain', async () => {
    const objs = await renderWith('auth.podDisruptionBudget.maxUnavailable=2');
    expect(kindsOf(objs, 'face')).not.toContain('PodDisruptionBudget');
    const auth = spec(ofComponent(objs, 'PodDisruptionBudget', 'auth'));
    // A number, not "2": the API server reads a string as a percentage and refuses "2" (IntOrString).
    expect(auth.maxUnavailable).toBe(2);
    expect((auth.selector as { matchLabels: Record<string, string> }).matchLabels).toEqual(spec(ofComponent(objs, 'Service', 'auth')).selector);

    expect(kindsOf(await renderWith('face.replicaCount=2'), 'face')).toContain('PodDisruptionBudget');
    expect(kindsOf(await renderWith('auth.podDisruptionBudget.enabled=false'), 'auth')).not.toContain('PodDisruptionBudget');
    expect(kindsOf(await renderWith('face.autoscaling.enabled=true', 'face.autoscaling.maxReplicas=2'), 'face')).toContain('PodDisruptionBudget');
  });

  it('rolls one new pod at a time and never goes below the desired count', async () => {
    const d = spec(ofComponent(await renderWith(), 'Deployment', 'face'));
    expect(d.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(d.revisionHistoryLimit).toBe(5);
  });

  it('the dashboard answers probes on its management port (no Service leads there), auth and face on their service port', async () => {
    const objs = await renderWith();
    const frontend = appContainer(objs, 'frontend');
    expect(frontend.ports.map((p) => [p.name, p.containerPort])).toEqual([['http', HTTP_PORT], ['management', MANAGEMENT_PORT]]);
    for (const probe of [frontend.startupProbe, frontend.livenessProbe, frontend.readinessProbe]) expect(probe.httpGet.port).toBe('management');
    for (const service of ['auth', 'face']) {
      const c = appContainer(objs, service);
      expect(c.ports.map((p) => p.name)).toEqual(['http']);
      for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) expect(probe.httpGet.port).toBe('http');
    }
  });

  it('image and pull policy from its values, written as strings whatever they look like', async () => {
    const objs = await renderWith('global.imageRegistry=reg.plant:5000', 'auth.image.tag=1.0', 'auth.image.pullPolicy=Always');
    const c = appContainer(objs, 'auth') as unknown as { image: string; imagePullPolicy: string };
    expect(c.image).toBe('reg.plant:5000/kubevision/auth:1.0');
    expect(c.imagePullPolicy).toBe('Always');
  });

  it("calls prefer endpoints in the caller's zone (a site's nodes carry it) from Kubernetes 1.31, where trafficDistribution is on by default", async () => {
    for (const [version, expected] of [['1.30.5', undefined], ['1.31.0', 'PreferClose'], ['1.33.1', 'PreferClose']] as const) {
      const objs = await template(genericChartDir(), ['--kube-version', version]);
      for (const service of ['frontend', 'auth', 'face']) expect(spec(ofComponent(objs, 'Service', service)).trafficDistribution, `${service} on ${version}`).toBe(expected);
    }
  });
});
