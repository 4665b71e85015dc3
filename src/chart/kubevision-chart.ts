import { App } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-27';
import { HTTP_PORT, env, secretKeys } from '../../apps/shared/contract.ts';
import { AppService } from './constructs/app-service.ts';
import { KubeVisionChartBase, componentName } from './constructs/context.ts';
import { AdminSetupCode, Credentials } from './constructs/credentials.ts';
import { DashboardIngress } from './constructs/ingress.ts';
import { MongoDb } from './constructs/mongodb.ts';
import { NetworkPolicies } from './constructs/network-policies.ts';
import { Templater } from './template.ts';
import { call, include, lit, pipe, ref, release, root, type Go } from './go.ts';

const FACE_GPU = call('eq', include('faceGpu', root), lit('true'));

/** The whole application as cdk8s constructs, with install-time decisions as template markers. */
export class KubeVisionChart extends KubeVisionChartBase {
  override readonly t: Templater;

  constructor(app: App) {
    super(app, 'kubevision', { disableResourceNameHashes: true });
    this.t = new Templater();
    const t = this.t;
    const fullname = t.value(include('fullname', root));
    const serviceUrl = (component: string) => `http://${fullname}-${component}:${HTTP_PORT}`;
    const mongodbUri: k8s.EnvVar = {
      name: env.mongodbUri,
      valueFrom: {
        secretKeyRef: { name: t.value(include('mongodbSecret', root)), key: t.value(include('mongodbUriKey', root)) },
      },
    };
    const faceToken: k8s.EnvVar = {
      name: env.faceServiceToken,
      valueFrom: {
        secretKeyRef: { name: t.value(include('credentialsSecret', root)), key: secretKeys.faceServiceToken },
      },
    };

    // Each service believes X-Forwarded-For only from the hop in front of it.
    const trusted = (list: Go) => ({ name: env.trustedProxies, value: t.str(call('join', lit(','), list)) });
    new AppService(this, {
      component: 'frontend',
      management: true,
      env: [
        { name: env.authServiceUrl, value: serviceUrl('auth') },
        trusted(ref('clientAddress.ingress')),
        { name: env.dashboardPlantName, value: t.str(ref('frontend.branding.plantName')) },
        { name: env.dashboardHelp, value: t.str(ref('frontend.branding.help')) },
        { name: env.authTimeoutSeconds, value: t.str(ref('timeouts.gatewaySeconds')) },
      ],
    });
    new AppService(this, {
      component: 'auth',
      secrets: ['mongodb', 'credentials', 'admin'],
      env: [
        mongodbUri,
        trusted(ref('clientAddress.dashboard')),
        { name: env.faceServiceUrl, value: serviceUrl('face') },
        faceToken,
        { name: env.authCookieSecure, value: t.str(include('authCookieSecure', root)) },
        { name: env.authSessionIdleMinutes, value: t.str(ref('auth.session.idleMinutes')) },
        { name: env.authSessionAbsoluteHours, value: t.str(ref('auth.session.absoluteHours')) },
        // The plant's words (its values file names them) and the namespace it runs in.
        { name: env.authPasswordContextWords, value: t.str(pipe(call('concat', call('list', release.namespace), ref('auth.passwordContextWords')), 'join', lit(','))) },
        { name: env.authAdminBootstrapToken, valueFrom: { secretKeyRef: { name: componentName(fullname, 'admin'), key: secretKeys.adminBootstrapToken } } },
        // Without face login the plant has no second factor to ask administrators for.
        { name: env.authAdminSecondFactor, value: t.str(ref('face.enabled')) },
        { name: env.authFaceTimeoutMs, value: t.str(call('mul', ref('timeouts.faceSeconds'), lit(1000))) },
        { name: env.authHashMaxWaitMs, value: t.str(call('mul', ref('timeouts.passwordQueueSeconds'), lit(1000))) },
      ],
    });
    new AppService(this, {
      component: 'face',
      secrets: ['mongodb', 'credentials'],
      gpu: FACE_GPU,
      imageSuffix: call('ternary', ref('face.gpu.tagSuffix'), lit(''), FACE_GPU),
      env: [
        mongodbUri,
        faceToken,
        { name: env.trustedProxies, value: '' },
        // Its one client is auth (NetworkPolicy), whose pods hold a connection per verification in flight.
        { name: env.connectionsPerClient, value: '1024' },
        { name: env.faceBackend, value: t.value(include('faceBackend', root)) },
        // Not the node's CPU count: a container would start a worker per host core.
        { name: env.faceWorkers, value: t.str(ref('face.workers')) },
        { name: env.faceLiveness, value: t.str(ref('face.liveness')) },
        { name: env.faceModel, value: t.str(ref('face.model')) },
      ],
    });
    new MongoDb(this);
    new Credentials(this);
    new AdminSetupCode(this);
    new DashboardIngress(this);
    new NetworkPolicies(this);
  }
}
