import { bool, group, int, list, map, oneOf, str, type ValuesOf } from './dsl.ts';
import { and, eq, isTrue } from './expr.ts';
import { formats, optional } from './patterns.ts';
import { consumerGlobals } from './consumers.ts';
import { faceModels, livenessModes } from '../../apps/shared/contract.ts';
import { appService, imageParams, placementParam, resourceParams, siteParams } from './service.ts';
import { schedulingExtras } from '../placement/extras.ts';

/** The application's workloads, in the order the docs and `plan` list them. */
export const WORKLOADS = ['frontend', 'auth', 'face', 'mongodb'] as const;
export type Workload = (typeof WORKLOADS)[number];

/** Every value of the kubevision chart. The single source of truth for them. */
/** The Ingress serves TLS with its certificate from this source (a Secret, or cert-manager). */
const tlsMode = (mode: 'secret' | 'certManager') => and(isTrue('ingress.enabled'), isTrue('ingress.tls.enabled'), eq('ingress.tls.mode', mode));

/** The kubevision chart's values as TypeScript sees them (a plant's values, once merged with the defaults). */
export type KubeVisionValues = ValuesOf<typeof values>;

export const values = group('KubeVision', {
  global: group('Settings shared by every workload', {
    imageRegistry: str('', "Registry that mirrors the images (air-gapped plants). It wins over Rancher's system default registry (global.cattle.systemDefaultRegistry); with both empty the repository is used as is", {
      format: optional(formats.registry),
      question: { label: 'Image registry mirror', group: 'Images' },
    }),
    imagePullSecrets: list([], 'Names of existing Secrets used to pull images', { items: formats.resourceName }),
    storageClass: str('', 'StorageClass for persistent volumes; empty uses the cluster default (k3s: local-path)', {
      format: optional(formats.resourceName),
      question: { label: 'StorageClass', group: 'Database', type: 'storageclass', showIf: eq('mongodb.mode', 'bundled') },
    }),
    ...schedulingExtras({ whose: "every workload's", label: 'All workloads' }),
    ...consumerGlobals,
  }, { open: 'a parent chart passes its own globals to KubeVision as a subchart' }),
  sites: group('Node sites of the plant: how on-premise and cloud nodes are labelled and tainted', {
    onprem: siteParams('onprem', { taint: true, enabled: true }),
    cloud: siteParams('cloud', { taint: false, enabled: true }),
  }),
  frontend: appService('frontend', {
    title: 'Dashboard',
    placement: 'any',
    replicas: 2,
    cpu: '50m',
    memory: '64Mi',
    cpuLimit: '',
    memoryLimit: '128Mi',
    extra: {
      branding: group('What the dashboard shows of the plant', {
        // Free text: no form question (Rancher's form gives every string question a character set).
        plantName: str('', "The plant's name beside the product's in the header and the page title (a plant file's displayName); empty shows the product alone"),
        help: str('', 'A help or contact line at the foot of every page, e.g. "Help: IT service desk, ext. 4711"; empty shows none'),
      }),
    },
  }),
  auth: appService('auth', {
    title: 'Auth service',
    placement: 'any',
    replicas: 2,
    cpu: '250m',
    memory: '256Mi',
    cpuLimit: '',
    memoryLimit: '512Mi',
    extra: {
      session: group('Login sessions of the dashboard', {
        idleMinutes: int(60, 'A session ends after this many minutes without a request', {
          min: 1,
          max: 24 * 60,
          question: { label: 'Session idle timeout (minutes)', group: 'Security', showIf: isTrue('auth.enabled') },
        }),
        absoluteHours: int(24, 'A session ends this many hours after login, however active it is', {
          min: 1,
          max: 24 * 30,
          question: { label: 'Session lifetime (hours)', group: 'Security', showIf: isTrue('auth.enabled') },
        }),
        secureCookies: oneOf(
          ['auto', 'always', 'never'],
          'auto',
          "Secure (__Host-) session cookies, which browsers accept over HTTPS only: auto uses them exactly when this chart's Ingress serves TLS (ingress.enabled and ingress.tls.enabled); always when TLS ends in front of the cluster (e.g. a load balancer); never only for a plain-HTTP trial, where session cookies cross the network in clear text and sessions can be stolen",
          { question: { label: 'Secure session cookies', group: 'Security', showIf: isTrue('auth.enabled') } },
        ),
      }),
      passwordContextWords: list([], "Words no password may be built from, besides the product's name, the namespace and each user's own name and email: the plant's, its sites', lines' and company's names", {
        items: { name: 'a word', patterns: ['^[^,]{1,100}$'], maxLength: 100, source: 'AUTH_PASSWORD_CONTEXT_WORDS is comma-separated' },
      }),
    },
  }),
  face: appService('face', {
    title: 'Face service',
    placement: 'onprem',
    replicas: 1,
    cpu: '1',
    memory: '768Mi',
    cpuLimit: '',
    memoryLimit: '2Gi',
    extra: {
      compute: oneOf(['cpu', 'gpu'], 'cpu', 'cpu runs TensorFlow.js on wasm; gpu requests a GPU and runs the GPU image variant', {
        question: {
          label: 'Face service: compute',
          group: 'Placement',
          showIf: isTrue('face.enabled'),
        },
      }),
      workers: int(2, 'Inference worker threads per face pod, each with its own models (about 200 MiB); keep within the CPU and memory limits', {
        min: 1,
        max: 16,
        question: { label: 'Face service: inference workers per pod', group: 'Scaling', showIf: isTrue('face.enabled') },
      }),
      liveness: oneOf([...livenessModes.options], livenessModes.default, 'Active liveness check at face login: a head-turn challenge, or off', {
        question: { label: 'Face login liveness check', group: 'Security', showIf: isTrue('face.enabled') },
      }),
      model: oneOf([...faceModels.options], faceModels.default, 'Face descriptor. faceres separated the measured pairs best (EER 0.0% against 0.4% for faceres-deep); changing it asks every enrolled user to enroll their face again, since templates of one model are never compared with another', {
        question: { label: 'Face recognition model', group: 'Security', showIf: isTrue('face.enabled') },
      }),
      gpu: group('GPU settings, used when compute is gpu', {
        count: int(1, 'GPUs per face pod', { min: 1, max: 8 }),
        tagSuffix: str('-gpu', 'Suffix of the GPU image variant tag (CUDA base, tfjs-node-gpu)', { format: formats.tagSuffix }),
      }),
    },
  }),
  mongodb: group('MongoDB: bundled StatefulSet, or an external server', {
    mode: oneOf(['bundled', 'external'], 'bundled', 'bundled runs MongoDB in the cluster; external uses a connection string from an existing Secret', {
      question: { label: 'Database', group: 'Database' },
    }),
    placement: placementParam('mongodb', 'MongoDB', 'onprem'),
    ...schedulingExtras({ whose: "the bundled MongoDB's", label: 'MongoDB', showIf: eq('mongodb.mode', 'bundled') }),
    image: imageParams('mongodb', 'MongoDB', 'library/mongo', '7.0.14'),
    resources: resourceParams('MongoDB', { cpu: '250m', memory: '512Mi', cpuLimit: '', memoryLimit: '1Gi' }),
    persistence: group('The data volume of the bundled MongoDB', {
      size: str('10Gi', 'Size of the data volume', {
        format: formats.storage,
        question: { label: 'MongoDB volume size', group: 'Database', showIf: eq('mongodb.mode', 'bundled') },
      }),
    }),
    auth: group('Credentials of the bundled MongoDB', {
      existingSecret: str('', 'Existing Secret with keys mongodb-root-password and mongodb-uri (what the services connect with); empty generates both and keeps them across upgrades', {
        format: optional(formats.resourceName),
        question: { label: 'Existing Secret with the MongoDB root password', group: 'Database', type: 'secret', showIf: eq('mongodb.mode', 'bundled') },
      }),
    }),
    external: group('The external MongoDB', {
      existingSecret: str('', 'Existing Secret holding the connection string', {
        format: optional(formats.resourceName),
        requiredWhen: eq('mongodb.mode', 'external'),
        question: { label: 'Secret with the MongoDB connection string', group: 'Database', type: 'secret', showIf: eq('mongodb.mode', 'external') },
      }),
      uriKey: str('mongodb-uri', 'Key of the connection string in that Secret', {
        format: formats.secretKey,
        question: { label: 'Key in that Secret', group: 'Database', showIf: eq('mongodb.mode', 'external') },
      }),
    }),
  }),
  ingress: group('How the dashboard is exposed: the only workload reachable from outside', {
    enabled: bool(true, 'Create an Ingress for the dashboard', { question: { label: 'Expose the dashboard', group: 'Ingress' } }),
    className: str('traefik', 'IngressClass (k3s ships traefik; many plants use nginx)', {
      format: formats.resourceName,
      question: { label: 'Ingress class', group: 'Ingress', showIf: isTrue('ingress.enabled') },
    }),
    host: str('', 'Hostname of the dashboard; empty answers any host (TLS needs one)', {
      format: optional(formats.hostname),
      requiredWhen: and(isTrue('ingress.enabled'), isTrue('ingress.tls.enabled')),
      question: { label: 'Hostname', group: 'Ingress', type: 'hostname', showIf: isTrue('ingress.enabled') },
    }),
    annotations: map({}, 'Extra annotations on the Ingress (at most 256 KiB in all)', { keys: formats.annotationKey }),
    controllerSite: oneOf(
      ['unknown', 'onprem', 'cloud'],
      'unknown',
      "Where the cluster's Ingress controller runs (the cluster's choice, not this chart's; k3s runs Traefik in kube-system wherever it schedules): kubevision plan then says whether users reach the dashboard over the WAN, and an autonomous site refuses a controller on the other site",
      { question: { label: 'Ingress controller runs on', group: 'Ingress', showIf: isTrue('ingress.enabled') } },
    ),
    tls: group('TLS for the dashboard', {
      enabled: bool(false, 'Serve the dashboard over HTTPS', {
        question: { label: 'HTTPS', group: 'Ingress', showIf: isTrue('ingress.enabled') },
      }),
      mode: oneOf(['secret', 'certManager'], 'secret', 'secret uses an existing TLS Secret; certManager asks a cert-manager ClusterIssuer', {
        question: { label: 'Certificate from', group: 'Ingress', showIf: and(isTrue('ingress.enabled'), isTrue('ingress.tls.enabled')) },
      }),
      secretName: str('', 'Existing Secret of type kubernetes.io/tls (mode secret)', {
        format: optional(formats.resourceName),
        requiredWhen: tlsMode('secret'),
        question: {
          label: 'TLS Secret',
          group: 'Ingress',
          type: 'secret',
          showIf: tlsMode('secret'),
        },
      }),
      clusterIssuer: str('', 'cert-manager ClusterIssuer (mode certManager)', {
        format: optional(formats.resourceName),
        requiredWhen: tlsMode('certManager'),
        question: {
          label: 'cert-manager ClusterIssuer',
          group: 'Ingress',
          showIf: tlsMode('certManager'),
        },
      }),
    }),
  }),
  clientAddress: group("Which proxies may name the client's address (X-Forwarded-For), the address throttling and the audit use: only the hops in front of each service, so that no plant workstation can choose its own", {
    ingress: list(['10.42.0.0/16'], "Where the Ingress controller connects to the dashboard from: its pods' network (k3s: cluster-cidr, 10.42.0.0/16 by default; add the IPv6 range on a dual-stack cluster). Empty: the dashboard believes no one and records the connecting address", {
      items: formats.addressRange,
    }),
    dashboard: list(['10.42.0.0/16'], 'Where the dashboard pods connect to auth from: the pod network. Auth believes only them (NetworkPolicies also let only them in); the face service believes no one', {
      items: formats.addressRange,
    }),
  }),
  timeouts: group('How long each hop waits for the next. Each wait is longer than the one behind it, so an overloaded service answers 503 with Retry-After before the hop in front gives up with a 504; the defaults are sized from the times measured by npm run bench (overload, auth, face)', {
    gatewaySeconds: int(20, 'How long the dashboard waits for the auth service to answer (a login, a face step) before 504; longer than faceSeconds and passwordQueueSeconds', {
      min: 2,
      max: 120,
      question: { label: 'Dashboard wait for the auth service (seconds)', group: 'Scaling', showIf: isTrue('auth.enabled') },
    }),
    faceSeconds: int(10, 'How long auth waits for the face service (one face step request: up to 8 camera frames) before answering 503 face_unavailable', {
      min: 1,
      max: 60,
      question: { label: 'Auth wait for the face service (seconds)', group: 'Scaling', showIf: isTrue('face.enabled') },
    }),
    passwordQueueSeconds: int(5, 'Longest a login or registration waits for its password hash to start (judged from the measured time of one) before 503 busy with Retry-After', {
      min: 1,
      max: 60,
      question: { label: 'Longest wait for a password check (seconds)', group: 'Scaling', showIf: isTrue('auth.enabled') },
    }),
  }),
  networkPolicy: group('NetworkPolicies: MongoDB only from auth and face, face only from auth', {
    enabled: bool(true, 'Restrict traffic between the workloads', {
      question: { label: 'Network policies', group: 'Security' },
    }),
  }),
  serviceCredential: group('The credential auth presents to the face service', {
    existingSecret: str('', 'Existing Secret with key face-service-token; empty generates one and keeps it across upgrades', {
      format: optional(formats.resourceName),
      question: { label: 'Existing Secret with the face service token', group: 'Security', type: 'secret' },
    }),
  }),
});
