import { bytes, millicores } from '../../src/params/quantity.ts';
import type { K8sObject } from '../../src/plan/render.ts';

/**
 * The checks the Kubernetes API server applies to the fields our charts set, ported so a
 * rendered chart can be held to them here (no API server runs on these machines). From
 * k8s.io/apimachinery pkg/util/validation/validation.go and pkg/api/validation (tag
 * kubernetes-1.35.7, 3e341b5), and k8s.io/kubernetes pkg/apis/{core,apps,autoscaling,
 * policy,networking}/validation and pkg/controller/history; each check names its function.
 */
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const isDNS1123Label = (s: string) => s.length <= 63 && dns1123Label.test(s);
export const isDNS1123Subdomain = (s: string) => s.length <= 253 && dns1123Subdomain.test(s);
export const isDNS1035Label = (s: string) => s.length <= 63 && dns1035Label.test(s);
/** IsQualifiedName: [prefix/]name, prefix a DNS subdomain, name at most 63. */
export function isQualifiedName(s: string): boolean {
  const parts = s.split('/');
  if (parts.length > 2) return false;
  const name = parts.at(-1)!;
  if (parts.length === 2 && (!parts[0] || !isDNS1123Subdomain(parts[0]))) return false;
  return name.length <= 63 && qualifiedNamePart.test(name);
}
export const isValidLabelValue = (s: string) => s.length <= 63 && labelValue.test(s);
/** IsConfigMapKey. */
export const isConfigMapKey = (s: string) => s.length <= 253 && /^[-._a-zA-Z0-9]+$/.test(s) && s !== '.' && !s.startsWith('..');
/** IsValidPortName: IANA service names. */
export const isValidPortName = (s: string) =>
  s.length <= 15 && /^[-a-z0-9]+$/.test(s) && /[a-z]/.test(s) && !s.includes('--') && !s.startsWith('-') && !s.endsWith('-');
/** ValidateAnnotationsSize: TotalAnnotationSizeLimitB. */
export const ANNOTATIONS_MAX = 256 * 1024;

const isIP = (s: string) => /^\d+\.\d+\.\d+\.\d+$/.test(s) || s.includes(':');

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const asList = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

function metadataProblems(where: string, meta: Obj): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(asObj(meta.labels))) {
    if (!isQualifiedName(k)) out.push(`${where}: label key ${k} (IsQualifiedName)`);
    if (!isValidLabelValue(String(v))) out.push(`${where}: label ${k}=${String(v)} (IsValidLabelValue)`);
  }
  let size = 0;
  for (const [k, v] of Object.entries(asObj(meta.annotations))) {
    if (!isQualifiedName(k.toLowerCase())) out.push(`${where}: annotation key ${k} (ValidateAnnotations)`);
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (size > ANNOTATIONS_MAX) out.push(`${where}: annotations of ${size} bytes (ValidateAnnotationsSize)`);
  return out;
}

/** validateResourceRequirements: request <= limit; extended resources integers, request = limit. */
function resourceProblems(where: string, res: Obj): string[] {
  const out: string[] = [];
  const requests = asObj(res.requests);
  const limits = asObj(res.limits);
  const amount = (name: string, q: unknown) => (name === 'cpu' ? millicores(String(q)) : name === 'memory' ? bytes(String(q)) : Number(q));
  for (const [name, q] of Object.entries({ ...requests, ...limits })) {
    const native = !name.includes('/') || name.includes('kubernetes.io/');
    if (!native && !Number.isInteger(Number(q))) out.push(`${where}: ${name} must be an integer (IsExtendedResourceName)`);
    if (Number.isNaN(amount(name, q)) || amount(name, q) < 0) out.push(`${where}: ${name}=${String(q)} is not a non-negative quantity`);
  }
  for (const [name, q] of Object.entries(requests)) {
    if (limits[name] !== undefined && amount(name, q) > amount(name, limits[name])) out.push(`${where}: ${name} request above its limit (validateResourceRequirements)`);
  }
  // validateContainerResourceName: a native name must be a standard container resource
  // (IsStandardContainerResourceName); any other must be an extended resource name.
  for (const name of Object.keys({ ...requests, ...limits })) {
    const native = !name.includes('/') || name.includes('kubernetes.io/');
    if (native && !['cpu', 'memory', 'ephemeral-storage'].includes(name) && !name.startsWith('hugepages-')) out.push(`${where}: ${name} is not a standard container resource`);
    if (!native && (name.startsWith('requests.') || !isQualifiedName(`requests.${name}`))) out.push(`${where}: ${name} is not an extended resource name`);
  }
  return out;
}

/** `claims`: a StatefulSet's volumeClaimTemplates, which its pods get as volumes of those names. */
function podProblems(where: string, template: Obj, claims: string[] = []): string[] {
  const meta = asObj(template.metadata);
  const spec = asObj(template.spec);
  const out = metadataProblems(`${where} pod template`, meta);
  const names = new Set<string>();
  for (const c of asList(spec.containers)) {
    const name = String(c.name);
    if (!isDNS1123Label(name)) out.push(`${where}: container name ${name} (DNS-1123 label)`);
    if (names.has(name)) out.push(`${where}: container ${name} twice`);
    names.add(name);
    for (const p of asList(c.ports)) {
      if (p.name !== undefined && !isValidPortName(String(p.name))) out.push(`${where}: port name ${String(p.name)} (IsValidPortName)`);
      if (!(Number(p.containerPort) >= 1 && Number(p.containerPort) <= 65535)) out.push(`${where}: containerPort ${String(p.containerPort)}`);
    }
    for (const e of asList(c.env)) {
      if (!String(e.name) || /=/.test(String(e.name))) out.push(`${where}: env name ${String(e.name)} (IsRelaxedEnvVarName)`);
      const ref = asObj(asObj(e.valueFrom).secretKeyRef);
      if (e.valueFrom && ref.name !== undefined) {
        if (!isDNS1123Subdomain(String(ref.name))) out.push(`${where}: secretKeyRef name ${String(ref.name)} (validateSecretKeySelector)`);
        if (!isConfigMapKey(String(ref.key))) out.push(`${where}: secretKeyRef key ${String(ref.key)} (IsConfigMapKey)`);
      }
    }
    out.push(...resourceProblems(`${where} container ${name}`, asObj(c.resources)));
    for (const m of asList(c.volumeMounts)) {
      if (!asList(spec.volumes).some((v) => v.name === m.name) && !claims.includes(String(m.name))) out.push(`${where}: volumeMount ${String(m.name)} has no volume`);
    }
  }
  for (const v of asList(spec.volumes)) if (!isDNS1123Label(String(v.name))) out.push(`${where}: volume name ${String(v.name)} (DNS-1123 label)`);
  for (const f of ['runtimeClassName', 'serviceAccountName', 'priorityClassName'] as const) {
    if (spec[f] !== undefined && !isDNS1123Subdomain(String(spec[f]))) out.push(`${where}: ${f} ${String(spec[f])} (DNS subdomain)`);
  }
  const terms = asList(asObj(asObj(asObj(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms);
  for (const t of terms) {
    for (const e of asList(t.matchExpressions)) {
      const values = Array.isArray(e.values) ? (e.values as unknown[]).map(String) : [];
      if (!isQualifiedName(String(e.key))) out.push(`${where}: node affinity key ${String(e.key)} (ValidateNodeSelectorRequirement)`);
      if ((e.operator === 'In' || e.operator === 'NotIn') && !values.length) out.push(`${where}: ${String(e.operator)} without values`);
      for (const v of values) if (!isValidLabelValue(v)) out.push(`${where}: node affinity value ${v} (IsValidLabelValue)`);
    }
  }
  for (const t of asList(spec.tolerations)) {
    const key = t.key === undefined ? '' : String(t.key);
    if (key && !isQualifiedName(key)) out.push(`${where}: toleration key ${key} (ValidateTolerations)`);
    if (!key && t.operator !== 'Exists') out.push(`${where}: toleration without key needs operator Exists`);
    if (t.operator === 'Exists' && t.value) out.push(`${where}: toleration ${key} Exists with a value`);
    if (t.operator !== 'Exists' && !isValidLabelValue(String(t.value ?? ''))) out.push(`${where}: toleration value ${String(t.value)} (IsValidLabelValue)`);
    if (t.effect !== undefined && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(String(t.effect))) out.push(`${where}: toleration effect ${String(t.effect)}`);
  }
  return out;
}

/** Every way a rendered object breaks the API server's validation (as ported here). */
export function apiServerProblems(o: K8sObject): string[] {
  const name = o.metadata.name;
  const where = `${o.kind} ${name}`;
  const spec = asObj(o.spec);
  const out = metadataProblems(where, o.metadata as unknown as Obj);
  switch (o.kind) {
    case 'Service':
      // ValidateServiceName: DNS-1035 label.
      if (!isDNS1035Label(name)) out.push(`${where}: name (DNS-1035 label)`);
      for (const p of asList(spec.ports)) if (p.name !== undefined && !isDNS1123Label(String(p.name))) out.push(`${where}: port name ${String(p.name)}`);
      break;
    case 'StatefulSet': {
      // ValidateStatefulSetName (DNS label); the controller labels pods
      // controller-revision-hash=<name>-<hash of up to 10> (history.ControllerRevisionName).
      if (!isDNS1123Label(name)) out.push(`${where}: name (DNS-1123 label)`);
      if (!isValidLabelValue(`${name}-${'9'.repeat(10)}`)) out.push(`${where}: name too long for its pods' controller-revision-hash label`);
      if (!isDNS1123Label(`${name}-0`)) out.push(`${where}: pod hostname ${name}-0 (DNS-1123 label)`);
      if (!isDNS1123Label(String(spec.serviceName))) out.push(`${where}: serviceName (pod subdomain, DNS-1123 label)`);
      for (const t of asList(spec.volumeClaimTemplates)) {
        const storage = asObj(asObj(asObj(t.spec).resources).requests).storage;
        if (!(bytes(String(storage)) > 0)) out.push(`${where}: volume claim storage ${String(storage)} (must be greater than zero)`);
        if (!isDNS1123Subdomain(`${String(asObj(t.metadata).name)}-${name}-0`)) out.push(`${where}: PVC name`);
        const cls = asObj(t.spec).storageClassName;
        if (cls !== undefined && cls !== '' && !isDNS1123Subdomain(String(cls))) out.push(`${where}: storageClassName ${String(cls)}`);
      }
      out.push(...podProblems(where, asObj(spec.template), asList(spec.volumeClaimTemplates).map((t) => String(asObj(t.metadata).name))));
      break;
    }
    case 'Deployment':
      if (!isDNS1123Subdomain(name)) out.push(`${where}: name (DNS subdomain)`);
      out.push(...podProblems(where, asObj(spec.template)));
      break;
    case 'HorizontalPodAutoscaler': {
      const min = Number(spec.minReplicas ?? 1);
      const max = Number(spec.maxReplicas);
      if (min < 1) out.push(`${where}: minReplicas below 1`);
      if (max < min) out.push(`${where}: maxReplicas below minReplicas`);
      for (const m of asList(spec.metrics)) {
        const u = asObj(asObj(asObj(m.resource).target)).averageUtilization;
        if (u !== undefined && !(Number(u) > 0)) out.push(`${where}: averageUtilization must be greater than 0`);
      }
      break;
    }
    case 'PodDisruptionBudget': {
      const v = spec.maxUnavailable ?? spec.minAvailable;
      if (typeof v === 'number' ? v < 0 : !/^[0-9]+%$/.test(String(v)) || Number(String(v).slice(0, -1)) > 100) out.push(`${where}: ${String(v)} (ValidatePositiveIntOrPercent)`);
      if (spec.maxUnavailable !== undefined && spec.minAvailable !== undefined) out.push(`${where}: both minAvailable and maxUnavailable`);
      break;
    }
    case 'Ingress':
      if (spec.ingressClassName !== undefined && !isDNS1123Subdomain(String(spec.ingressClassName))) out.push(`${where}: ingressClassName`);
      for (const r of asList(spec.rules)) {
        if (r.host !== undefined && (isIP(String(r.host)) || !isDNS1123Subdomain(String(r.host)))) out.push(`${where}: host ${String(r.host)}`);
        for (const p of asList(asObj(r.http).paths)) {
          if (!String(p.path).startsWith('/')) out.push(`${where}: path ${String(p.path)}`);
          const svc = asObj(asObj(p.backend).service);
          if (!isDNS1035Label(String(svc.name))) out.push(`${where}: backend service ${String(svc.name)}`);
        }
      }
      for (const t of asList(spec.tls)) if (t.secretName !== undefined && !isDNS1123Subdomain(String(t.secretName))) out.push(`${where}: tls secretName`);
      break;
    case 'Secret':
      if (!isDNS1123Subdomain(name)) out.push(`${where}: name (ValidateSecretName)`);
      for (const k of Object.keys(asObj(o.data))) if (!isConfigMapKey(k)) out.push(`${where}: data key ${k} (IsConfigMapKey)`);
      break;
    default:
      if (!isDNS1123Subdomain(name)) out.push(`${where}: name (DNS subdomain)`);
  }
  return out;
}
