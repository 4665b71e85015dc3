import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Naming, templaterOf } from './context.ts';
import { include, lit, root } from '../go.ts';
import { helmObject } from './objects.ts';
import type { ChartSecret } from './pod.ts';

/**
 * A Secret the chart generates once and keeps: across upgrades (its data helper reads the
 * existing value back with `lookup`) and uninstalls (resource-policy keep). It renders when
 * "kubevision.generatesSecret" says the release makes it, the same helper the pods'
 * checksums of it ask (src/chart/_helpers.tpl).
 */
export function generatedSecret(scope: Construct, secret: ChartSecret, component: string = secret): void {
  const t = templaterOf(scope);
  const naming = new Naming(t, component);
  const obj = helmObject(scope, 'secret', k8s.KubeSecret.GVK, naming.metadata({ annotations: { 'helm.sh/resource-policy': 'keep' } }), {
    type: 'Opaque',
    data: t.block(include(`${secret}Data`, root)),
  });
  t.renderIf(obj, include('generatesSecret', { ctx: root, secret: lit(secret) }));
}

/** The service credential auth presents to face, unless the plant brings its own Secret. */
export class Credentials extends Construct {
  constructor(scope: Construct) {
    super(scope, 'credentials');
    generatedSecret(this, 'credentials');
  }
}

/**
 * The setup code that makes the plant's first administrator, read by the operator with
 * kubectl. It works only while the plant has no administrator.
 */
export class AdminSetupCode extends Construct {
  constructor(scope: Construct) {
    super(scope, 'admin-setup');
    generatedSecret(this, 'admin');
  }
}
