import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Naming, templaterOf } from './context.ts';
import { ref } from '../values-ref.ts';

/**
 * A Secret the chart generates once and keeps: across upgrades (its helper reads the
 * existing value back with `lookup`) and uninstalls (resource-policy keep).
 */
class GeneratedSecret extends Construct {
  constructor(scope: Construct, o: { id: string; component: string; dataHelper: string; when: string }) {
    super(scope, o.id);
    const t = templaterOf(this);
    const naming = new Naming(t, o.component);
    const secret = new k8s.KubeSecret(this, 'secret', {
      metadata: { ...naming.metadata(), annotations: { 'helm.sh/resource-policy': 'keep' } },
      type: 'Opaque',
    });
    t.blockAt(secret, '/data', `include "${o.dataHelper}" .`);
    t.renderIf(secret, o.when);
  }
}

/** The service credential auth presents to face, unless the plant brings its own Secret. */
export class Credentials extends GeneratedSecret {
  constructor(scope: Construct) {
    super(scope, {
      id: 'credentials',
      component: 'credentials',
      dataHelper: 'kubevision.credentialsData',
      when: `and (or ${ref('auth.enabled')} ${ref('face.enabled')}) (not ${ref('serviceCredential.existingSecret')})`,
    });
  }
}

/**
 * The setup code that makes the plant's first administrator, read by the operator with
 * kubectl. It works only while the plant has no administrator.
 */
export class AdminSetupCode extends GeneratedSecret {
  constructor(scope: Construct) {
    super(scope, { id: 'admin-setup', component: 'admin', dataHelper: 'kubevision.adminSetupData', when: ref('auth.enabled') });
  }
}
