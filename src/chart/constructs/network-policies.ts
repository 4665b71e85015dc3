import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { callersOf } from '../../placement/calls.ts';
import { Naming, runs, templaterOf } from './context.ts';
import { call, ref } from '../go.ts';
import type { Workload } from '../../params/kubevision.ts';

/** The named container port each workload serves its callers on (src/placement/calls.ts says who they are). */
const SERVES: Record<Workload, string> = { frontend: 'http', auth: 'http', face: 'http', mongodb: 'mongodb' };

/**
 * Ingress NetworkPolicies: each workload accepts connections only from the workloads
 * that call it, and only on its service port. Egress is left open: an external MongoDB
 * and cluster DNS live at addresses the chart cannot know.
 */
export class NetworkPolicies extends Construct {
  constructor(scope: Construct) {
    super(scope, 'networkpolicy');
    const t = templaterOf(this);
    for (const [component, portName] of Object.entries(SERVES) as [Workload, string][]) {
      const from = callersOf(component);
      const naming = new Naming(t, component);
      const policy = new k8s.KubeNetworkPolicy(this, component, {
        metadata: naming.metadata(),
        spec: {
          podSelector: { matchLabels: naming.selector },
          policyTypes: ['Ingress'],
          ingress: [
            {
              ports: [
                { port: k8s.IntOrString.fromString(portName), protocol: 'TCP' },
                // The kubelet's probes and a Prometheus in the cluster; no Service leads there.
                ...(component === 'frontend' ? [{ port: k8s.IntOrString.fromString('management'), protocol: 'TCP' }] : []),
              ],
              ...(from === 'anywhere' ? {} : { from: from.map((peer) => ({ podSelector: { matchLabels: naming.selectorOf(peer) } })) }),
            },
          ],
        },
      });
      t.renderIf(policy, call('and', ref('networkPolicy.enabled'), runs(component)));
    }
  }
}
