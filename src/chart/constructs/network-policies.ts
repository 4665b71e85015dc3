import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { HTTP_PORT, MONGODB_PORT } from '../../../apps/shared/contract.ts';
import { Naming, templaterOf } from './context.ts';
import { call, lit, ref } from '../go.ts';

type Component = 'frontend' | 'auth' | 'face' | 'mongodb';

/** Who may open connections to whom. `from: 'anywhere'` is the dashboard behind the Ingress. */
const ALLOWED: Record<Component, { from: Component[] | 'anywhere'; port: number; portName: string }> = {
  frontend: { from: 'anywhere', port: HTTP_PORT, portName: 'http' },
  auth: { from: ['frontend'], port: HTTP_PORT, portName: 'http' },
  face: { from: ['auth'], port: HTTP_PORT, portName: 'http' },
  mongodb: { from: ['auth', 'face'], port: MONGODB_PORT, portName: 'mongodb' },
};

/**
 * Ingress NetworkPolicies: each workload accepts connections only from the workloads
 * that call it, and only on its service port. Egress is left open: an external MongoDB
 * and cluster DNS live at addresses the chart cannot know.
 */
export class NetworkPolicies extends Construct {
  constructor(scope: Construct) {
    super(scope, 'networkpolicy');
    const t = templaterOf(this);
    for (const [component, rule] of Object.entries(ALLOWED) as [Component, (typeof ALLOWED)[Component]][]) {
      const naming = new Naming(t, component);
      const policy = new k8s.KubeNetworkPolicy(this, component, {
        metadata: naming.metadata(),
        spec: {
          podSelector: { matchLabels: naming.selector },
          policyTypes: ['Ingress'],
          ingress: [
            {
              ports: [
                { port: k8s.IntOrString.fromString(rule.portName), protocol: 'TCP' },
                // The kubelet's probes and a Prometheus in the cluster; no Service leads there.
                ...(component === 'frontend' ? [{ port: k8s.IntOrString.fromString('management'), protocol: 'TCP' }] : []),
              ],
              ...(rule.from === 'anywhere'
                ? {}
                : { from: rule.from.map((peer) => ({ podSelector: { matchLabels: naming.selectorOf(peer) } })) }),
            },
          ],
        },
      });
      const present = component === 'mongodb' ? call('eq', ref('mongodb.mode'), lit('bundled')) : ref(`${component}.enabled`);
      t.renderIf(policy, call('and', ref('networkPolicy.enabled'), present));
    }
  }
}
