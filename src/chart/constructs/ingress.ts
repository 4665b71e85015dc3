import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { HTTP_PORT } from '../../../apps/shared/contract.ts';
import { Naming, templaterOf } from './context.ts';
import { helmObject, only, typed } from './objects.ts';
import { call, include, ref, root } from '../go.ts';

/** The dashboard's Ingress: the one way into the application from outside the cluster. */
export class DashboardIngress extends Construct {
  constructor(scope: Construct) {
    super(scope, 'ingress');
    const t = templaterOf(this);
    const naming = new Naming(t, 'frontend');
    const spec = typed(k8s.toJson_IngressSpec, {
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
    });
    const ingress = helmObject(
      this,
      'ingress',
      k8s.KubeIngress.GVK,
      { ...naming.metadata(), ...t.splice(include('ingressAnnotations', root), 'annotations') },
      {
        spec: {
          ...spec,
          ...t.splice(include('ingressTls', root), 'tls'),
          rules: [{ ...t.splice(include('ingressHost', root), 'host'), ...only(spec, 'rules') }],
        },
      },
    );
    t.renderIf(ingress, call('and', ref('ingress.enabled'), ref('frontend.enabled')));
  }
}
