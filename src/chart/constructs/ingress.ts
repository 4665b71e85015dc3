import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { HTTP_PORT } from '../../../apps/shared/contract.ts';
import { Naming, templaterOf } from './context.ts';
import { ref } from '../values-ref.ts';

/** The dashboard's Ingress: the one way into the application from outside the cluster. */
export class DashboardIngress extends Construct {
  constructor(scope: Construct) {
    super(scope, 'ingress');
    const t = templaterOf(this);
    const naming = new Naming(t, 'frontend');
    const ingress = new k8s.KubeIngress(this, 'ingress', {
      metadata: naming.metadata(),
      spec: {
        ingressClassName: t.str(ref('ingress.className')),
        rules: [
          {
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: naming.name, port: { number: HTTP_PORT } } },
                },
              ],
            },
          },
        ],
      },
    });
    t.spliceAt(ingress, '/metadata', 'include "kubevision.ingressAnnotations" .', 'annotations');
    t.spliceAt(ingress, '/spec', 'include "kubevision.ingressTls" .', 'tls');
    t.spliceAt(ingress, '/spec/rules/0', 'include "kubevision.ingressHost" .', 'host');
    t.renderIf(ingress, `and ${ref('ingress.enabled')} ${ref('frontend.enabled')}`);
  }
}
