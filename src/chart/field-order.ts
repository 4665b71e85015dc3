/**
 * The order people write Kubernetes objects in (the Kubernetes docs' examples, Bitnami's
 * charts): identity first, then what the object is about, the pod's scheduling before its
 * containers, a container's image before its settings and its probes and security last.
 * cdk8s sorts keys alphabetically and the API server does not care; a reader of the
 * rendered chart does. Keys not listed (labels, Secret data) follow in alphabetical order.
 */
const GENERAL = [
  'apiVersion', 'kind', 'metadata', 'type', 'spec', 'data', 'stringData',
  'name', 'generateName', 'namespace', 'labels', 'annotations',
  'key', 'operator', 'value', 'values', 'valueFrom', 'effect', 'secretKeyRef',
  // HorizontalPodAutoscaler
  'scaleTargetRef', 'minReplicas', 'maxReplicas', 'metrics', 'resource', 'target', 'averageUtilization',
  // workloads and disruption budgets
  'replicas', 'serviceName', 'revisionHistoryLimit', 'minAvailable', 'maxUnavailable', 'maxSurge',
  // NetworkPolicy
  'podSelector', 'policyTypes', 'ingress', 'egress', 'from', 'to',
  // Ingress
  'ingressClassName', 'tls', 'hosts', 'secretName', 'rules', 'host', 'http', 'paths', 'path', 'pathType', 'backend', 'service',
  // Service
  'clusterIP', 'publishNotReadyAddresses',
  'selector', 'matchLabels', 'matchExpressions', 'strategy', 'rollingUpdate', 'podManagementPolicy', 'updateStrategy', 'template', 'volumeClaimTemplates', 'ports',
  // pod
  'serviceAccountName', 'automountServiceAccountToken', 'enableServiceLinks', 'imagePullSecrets', 'runtimeClassName', 'priorityClassName',
  'nodeSelector', 'affinity', 'tolerations', 'topologySpreadConstraints', 'securityContext', 'initContainers', 'containers', 'volumes',
  // security contexts
  'runAsNonRoot', 'runAsUser', 'runAsGroup', 'fsGroup', 'allowPrivilegeEscalation', 'privileged', 'readOnlyRootFilesystem', 'capabilities', 'seccompProfile',
  // ports, probes, volumes, claims
  'containerPort', 'port', 'targetPort', 'number', 'protocol',
  'httpGet', 'tcpSocket', 'initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold',
  'mountPath', 'emptyDir', 'sizeLimit', 'accessModes', 'storageClassName', 'resources', 'requests', 'limits',
];

const CONTAINER = [
  'name', 'image', 'imagePullPolicy', 'command', 'args', 'workingDir', 'ports', 'env', 'envFrom',
  'resources', 'volumeMounts', 'startupProbe', 'livenessProbe', 'readinessProbe', 'securityContext',
];

const rankIn = (list: string[]) => new Map(list.map((k, i) => [k, i]));
const general = rankIn(GENERAL);
// A container's securityContext comes last, a pod's before its containers: the one key
// whose place depends on the map it is in.
const byParent = new Map([
  ['containers', rankIn(CONTAINER)],
  ['initContainers', rankIn(CONTAINER)],
]);

/** Where `key` goes among the keys of a map that is the value of `parent`. */
export function fieldRank(parent: string | undefined, key: string): number {
  return byParent.get(parent ?? '')?.get(key) ?? general.get(key) ?? Number.MAX_SAFE_INTEGER;
}

/** Compare two keys of one map for the order above; unlisted keys alphabetically. */
export function compareFields(parent: string | undefined, a: string, b: string): number {
  return fieldRank(parent, a) - fieldRank(parent, b) || (a < b ? -1 : a > b ? 1 : 0);
}
