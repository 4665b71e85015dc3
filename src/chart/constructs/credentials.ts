import * as k8s from 'cdk8s-plus-27/lib/imports/k8s.js';
import { Construct } from 'constructs';
import { Naming, templaterOf } from './context.ts';

/** The service credential auth presents to face, unless the plant brings its own Secret. */
export class Credentials extends Construct {
  constructor(scope: Construct) {
    super(scope, 'credentials');
    const t = templaterOf(this);
    const naming = new Naming(t, 'credentials');
    const secret = new k8s.KubeSecret(this, 'secret', {
      metadata: { ...naming.metadata(), annotations: { 'helm.sh/resource-policy': 'keep' } },
      type: 'Opaque',
    });
    t.blockAt(secret, '/data', 'include "kubevision.credentialsData" .');
    t.renderIf(secret, 'and (or .Values.auth.enabled .Values.face.enabled) (not .Values.serviceCredential.existingSecret)');
  }
}

/**
 * The setup code that makes the plant's first administrator: generated once, kept across
 * upgrades and uninstalls, read by the operator with kubectl. It works only while the
 * plant has no administrator.
 */
export class AdminSetupCode extends Construct {
  constructor(scope: Construct) {
    super(scope, 'admin-setup');
    const t = templaterOf(this);
    const naming = new Naming(t, 'admin');
    const secret = new k8s.KubeSecret(this, 'secret', {
      metadata: { ...naming.metadata(), annotations: { 'helm.sh/resource-policy': 'keep' } },
      type: 'Opaque',
    });
    t.blockAt(secret, '/data', 'include "kubevision.adminSetupData" .');
    t.renderIf(secret, '.Values.auth.enabled');
  }
}
