import type { K8sObject } from '../../src/plan/render.ts';

/**
 * A rendered Deployment's pod as `podman run` flags: what the kubelet would enforce on the
 * one container, taken field by field from the pod spec (Kubernetes' core/v1 PodSpec and
 * SecurityContext: https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/).
 * Whatever the spec asks that has no translation here is an error, so a chart that grows
 * a field the test does not honour fails loudly instead of being run more loosely.
 */

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}
interface Probe {
  httpGet: { path: string; port: string | number };
  periodSeconds?: number;
  failureThreshold?: number;
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
}
export interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    privileged?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    runAsUser?: number;
    runAsGroup?: number;
  };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  resources?: { limits?: { memory?: string; cpu?: string } };
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsUser?: number; runAsGroup?: number; fsGroup?: number; runAsNonRoot?: boolean; seccompProfile?: { type: string } };
  volumes?: { name: string; emptyDir?: { sizeLimit?: string; medium?: string } }[];
}

export const podSpec = (d: K8sObject): PodSpec => (d.spec as { template: { spec: PodSpec } }).template.spec;

/** Kubernetes quantities podman reads: 512Mi -> 512m (podman's m is MiB), 250m -> 0.25 CPUs. */
function memory(q: string): string {
  const m = /^(\d+)(Ki|Mi|Gi)$/.exec(q);
  if (!m) throw new Error(`memory quantity ${q}: no podman equivalent here`);
  return `${m[1]}${{ Ki: 'k', Mi: 'm', Gi: 'g' }[m[2] as 'Ki' | 'Mi' | 'Gi']}`;
}
function cpus(q: string): string {
  return q.endsWith('m') ? String(Number(q.slice(0, -1)) / 1000) : q;
}

export interface RunOptions {
  name: string;
  network: string;
  /** DNS names on the network: the Service names that select this pod. */
  aliases: string[];
  env: Record<string, string>;
  /** Extra mounts for what the test puts in place of a dependency (the database). */
  volumes?: string[];
}

/** `podman run -d` arguments for the pod's only container, as the kubelet would run it. */
export function podmanRun(d: K8sObject, o: RunOptions): { args: string[]; container: Container; graceSeconds: number } {
  const pod = podSpec(d);
  if (pod.containers.length !== 1 || pod.initContainers?.length) throw new Error(`${d.metadata.name}: one container and no init containers expected`);
  const c = pod.containers[0]!;
  const sc = c.securityContext ?? {};
  const user = sc.runAsUser ?? pod.securityContext?.runAsUser;
  const group = sc.runAsGroup ?? pod.securityContext?.runAsGroup;
  if ((sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) && (user === undefined || user === 0)) {
    throw new Error(`${d.metadata.name}: runAsNonRoot needs a numeric non-root runAsUser (the kubelet cannot check a name)`);
  }
  if (sc.privileged) throw new Error(`${d.metadata.name}: privileged`);
  const seccomp = pod.securityContext?.seccompProfile?.type;
  if (seccomp && seccomp !== 'RuntimeDefault') throw new Error(`${d.metadata.name}: seccomp ${seccomp} has no podman equivalent here`);

  const args = ['run', '-d', '--name', o.name, '--network', o.network, ...o.aliases.flatMap((a) => ['--network-alias', a])];
  // IfNotPresent: the image the tests built, never a pull.
  if (c.imagePullPolicy !== 'IfNotPresent' && c.imagePullPolicy !== 'Never') throw new Error(`${c.name}: imagePullPolicy ${c.imagePullPolicy}`);
  args.push('--pull', 'never');
  if (user !== undefined) args.push('--user', group !== undefined ? `${user}:${group}` : String(user));
  if (pod.securityContext?.fsGroup !== undefined) args.push('--group-add', String(pod.securityContext.fsGroup));
  // podman's --read-only also puts tmpfs on /tmp, /var/tmp and /run unless told not to;
  // the kubelet gives only the volumes the spec mounts.
  if (sc.readOnlyRootFilesystem) args.push('--read-only', '--read-only-tmpfs=false');
  for (const cap of sc.capabilities?.drop ?? []) args.push('--cap-drop', cap);
  for (const cap of sc.capabilities?.add ?? []) args.push('--cap-add', cap);
  if (sc.allowPrivilegeEscalation === false) args.push('--security-opt', 'no-new-privileges');
  if (c.resources?.limits?.memory) args.push('--memory', memory(c.resources.limits.memory));
  if (c.resources?.limits?.cpu) args.push('--cpus', cpus(c.resources.limits.cpu));

  const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
  for (const m of c.volumeMounts ?? []) {
    const v = volumes.get(m.name);
    // An emptyDir is a fresh folder anyone in the pod may write (mode 0777); a tmpfs of
    // its size limit stands in for the node's disk.
    if (!v?.emptyDir) throw new Error(`${c.name}: volume ${m.name} is not an emptyDir; no translation here`);
    args.push('--tmpfs', `${m.mountPath}:rw,mode=1777${v.emptyDir.sizeLimit ? `,size=${memory(v.emptyDir.sizeLimit)}` : ''}`);
  }
  for (const v of o.volumes ?? []) args.push('-v', v);
  // Every container port on a loopback port of its own, for the probes and the test.
  for (const p of c.ports ?? []) args.push('-p', `127.0.0.1::${p.containerPort}`);
  for (const [k, v] of Object.entries(o.env)) args.push('--env', `${k}=${v}`);
  const graceSeconds = pod.terminationGracePeriodSeconds ?? 30;
  args.push('--stop-timeout', String(graceSeconds));
  args.push(c.image);
  if (c.command) throw new Error(`${c.name}: command is set; the image's CMD is what the test runs`);
  args.push(...(c.args ?? []));
  return { args, container: c, graceSeconds };
}

/** The container's environment with every secretKeyRef read from the rendered Secrets. */
export function resolvedEnv(c: Container, secrets: K8sObject[], replace: Record<string, string | null> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of c.env ?? []) {
    if (e.name in replace) continue;
    if (e.value !== undefined) {
      out[e.name] = e.value;
      continue;
    }
    const ref = e.valueFrom?.secretKeyRef;
    if (!ref) throw new Error(`${c.name}: ${e.name} has neither a value nor a secretKeyRef`);
    const s = secrets.find((x) => x.metadata.name === ref.name);
    const data = s && ((s as { data?: Record<string, string> }).data?.[ref.key] ?? undefined);
    const plain = s && (s as { stringData?: Record<string, string> }).stringData?.[ref.key];
    if (data === undefined && plain === undefined) throw new Error(`${c.name}: ${e.name} reads Secret ${ref.name} key ${ref.key}, which the chart does not render`);
    out[e.name] = plain ?? Buffer.from(data!, 'base64').toString('utf8');
  }
  for (const [k, v] of Object.entries(replace)) if (v !== null) out[k] = v;
  return out;
}
