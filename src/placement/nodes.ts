import path from 'node:path';
import type { Plant } from '../plant/load.ts';
import { formatTaint, SITES, siteTitle, type Site, type TaintEffect } from './sites.ts';
import type { Plan } from '../plan/plan.ts';
import type { WorkloadPlacement } from './read-back.ts';
import { wrap } from '../wrap.mjs';

/**
 * `kubevision site`: how to prepare a node so that it matches a plant's placement rules.
 * Everything comes from the plant's resolved values (`plant.values`, the same values the
 * plant chart is generated from); which workloads will run there is read back from the
 * plant chart rendered by helm (`planPlant`), not recomputed from the values.
 */

export const ROLES = ['agent', 'server'] as const;
export type Role = (typeof ROLES)[number];

export interface NodeTaint {
  key: string;
  /** Empty: the taint is the key alone (`key:Effect`). */
  value: string;
  effect: TaintEffect;
}

/** A node of one site of one plant: its labels and taints, in the order they are printed. */
export interface SiteNode {
  plant: Plant;
  site: Site;
  gpu: boolean;
  role: Role;
  labels: Record<string, string>;
  taints: NodeTaint[];
  /** GPU nodes: the extended resource the device plugin must advertise, and the RuntimeClass. */
  gpuResource: { resourceName: string; runtimeClassName: string } | null;
  warnings: string[];
}

/** A request that names something the plant does not have; the CLI exits 1 with the message. */
export class SiteError extends Error {
  override name = 'SiteError';
}

const sitesOf = (plant: Plant) => plant.values.sites;
const fileOf = (plant: Plant) => path.relative(process.cwd(), plant.file) || plant.file;

/** "sites.x.enabled is false in values/p.yaml", or "... (the default, ...)" when the file does not set it. */
function whereFalse(plant: Plant, key: string): string {
  let v: unknown = plant.overrides;
  for (const part of key.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return v === undefined ? `${key} is false (the default; ${fileOf(plant)} does not set it)` : `${key} is false in ${fileOf(plant)}`;
}

/** The node a plant expects at `site` (with a GPU or not); every input is checked against the plant. */
export function siteNode(plant: Plant, site: string, gpu: boolean, role: string = 'agent'): SiteNode {
  if (!(SITES as readonly string[]).includes(site)) {
    throw new SiteError(`unknown site "${site}": a plant's sites are ${SITES.join(' and ')}`);
  }
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new SiteError(`unknown k3s role "${role}": --role must be ${ROLES.join(' or ')}`);
  }
  const s = site as Site;
  const values = sitesOf(plant)[s];
  const file = fileOf(plant);
  if (!values.enabled) {
    const has = SITES.filter((x) => sitesOf(plant)[x].enabled);
    throw new SiteError(
      `plant ${plant.id} has no ${siteTitle[s]} site: ${whereFalse(plant, `sites.${s}.enabled`)}` +
        (has.length ? ` (its nodes are ${has.map((x) => siteTitle[x]).join(' and ')})` : ''),
    );
  }
  if (gpu && !values.gpu.enabled) {
    throw new SiteError(`plant ${plant.id} declares no GPU nodes at its ${siteTitle[s]} site: ${whereFalse(plant, `sites.${s}.gpu.enabled`)}`);
  }

  const labels: Record<string, string> = {};
  const addLabel = (key: string, value: string, from: string) => {
    if (key in labels && labels[key] !== value) {
      throw new SiteError(`${file}: ${from} sets label ${key}=${value}, but the node already needs ${key}=${labels[key]}: no node can carry both`);
    }
    labels[key] = value;
  };
  const taints: NodeTaint[] = [];
  const addTaint = (t: NodeTaint, from: string) => {
    const same = taints.find((x) => x.key === t.key && x.effect === t.effect);
    if (same && same.value !== t.value) {
      throw new SiteError(`${file}: ${from} is ${formatTaint(t)}, but the node already carries ${formatTaint(same)}: a node has one taint per key and effect`);
    }
    if (!same) taints.push({ key: t.key, value: t.value, effect: t.effect });
  };

  addLabel(values.nodeLabel.key, values.nodeLabel.value, `sites.${s}.nodeLabel`);
  if (values.taint.enabled) addTaint(values.taint, `sites.${s}.taint`);
  if (gpu) {
    addLabel(values.gpu.nodeLabel.key, values.gpu.nodeLabel.value, `sites.${s}.gpu.nodeLabel`);
    if (values.gpu.taint.enabled) addTaint(values.gpu.taint, `sites.${s}.gpu.taint`);
  }
  // Services prefer endpoints in the caller's zone (kubevision.trafficDistribution).
  if (values.zone) addLabel('topology.kubernetes.io/zone', values.zone, `sites.${s}.zone`);
  // Every workload requires the plant's global nodeSelector (src/placement/extras.ts).
  for (const [k, v] of Object.entries(plant.values.global.nodeSelector)) addLabel(k, v, `global.nodeSelector.${k}`);

  // The kubelet registers its own labels, and the NodeRestriction admission plugin refuses
  // self-set labels under kubernetes.io / k8s.io except a few well-known prefixes.
  const restricted = (key: string) => {
    const prefix = key.includes('/') ? key.slice(0, key.indexOf('/')) : '';
    const k8s = /(^|\.)(kubernetes\.io|k8s\.io)$/.test(prefix);
    // kubelet's own labels (k8s.io/kubelet pkg/apis well_known_labels.go): its namespaces, and the topology ones.
    const allowed = /(^|\.)(kubelet|node)\.kubernetes\.io$/.test(prefix) || key === 'topology.kubernetes.io/zone' || key === 'topology.kubernetes.io/region';
    return k8s && !allowed;
  };
  const warnings = Object.keys(labels)
    .filter(restricted)
    .map((k) => `label ${k} is in a kubernetes.io / k8s.io namespace the kubelet may not set on itself (NodeRestriction): set it with kubectl label instead of --node-label`);

  return {
    plant,
    site: s,
    gpu,
    role: role as Role,
    labels,
    taints,
    gpuResource: gpu ? { resourceName: values.gpu.resourceName, runtimeClassName: values.gpu.runtimeClassName } : null,
    warnings,
  };
}

export const formatLabel = (key: string, value: string) => `${key}=${value}`;
/** k3s --node-taint, kubectl taint and the Rancher agent all take key[=value]:Effect. */

/** Single-quotes a shell word unless it is made of characters the shell leaves alone. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_.,:/=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Placeholders in the printed commands: what the person running them fills in. */
export const PLACEHOLDERS = {
  k3sServer: 'https://<k3s-server>:6443',
  k3sToken: '<k3s-token>',
  node: '<node>',
  rancherServer: 'https://<rancher-server>',
  registrationToken: '<registration-token>',
} as const;

export interface WorkloadOnNode {
  component: string;
  runs: boolean;
  /** Why it does not run on such a node (runs: false). */
  reason?: string;
  gpus?: { resource: string; count: number; runtimeClassName: string | null };
}

export interface SiteReport {
  plant: { id: string; displayName: string; file: string };
  site: Site;
  siteTitle: string;
  gpu: boolean;
  role: Role;
  labels: Record<string, string>;
  taints: NodeTaint[];
  k3s: {
    /** The flags, each value a separate argument: --node-label k=v --node-taint k=v:E ... */
    flags: string[];
    install: string;
    /** The same in /etc/rancher/k3s/config.yaml. */
    config: { 'node-label': string[]; 'node-taint'?: string[] };
  };
  kubectl: string[];
  rancher: { flags: string[]; registration: string };
  workloads: WorkloadOnNode[];
  gpuPrerequisites: { resourceName: string; runtimeClassName: string; steps: string[] } | null;
  /** What the site's pods do through a link outage, and where its k3s servers must run for it to work on its own. */
  outage: { keepPods: boolean; autonomous: boolean; advice: string[] };
  warnings: string[];
}

/**
 * A k3s agent that cannot reach its server keeps running the pods it has (the kubelet
 * restarts their containers) but starts no new pod and none after a reboot
 * (k3s-io/k3s#1686, rancher/rke2#251): a site works on its own only with its servers on it.
 */
function outageAdvice(plant: Plant, site: Site): SiteReport['outage'] {
  const v = sitesOf(plant)[site];
  const other = SITES.find((s) => s !== site)!;
  const flags = `kubevision site ${plant.id} ${site} --role server`;
  const advice: string[] = [];
  if (v.autonomous) {
    advice.push(
      `This site works on its own (sites.${site}.autonomous): run the cluster's k3s servers on ${siteTitle[site]} nodes (${flags}).`,
      'One server, or three for high availability; never split them across the WAN: embedded etcd needs a majority on one side of the link.',
    );
    if (sitesOf(plant)[other].enabled) {
      advice.push(`An agent cut off from its servers starts no new pod and none after a reboot (k3s-io/k3s#1686): the ${siteTitle[other]} nodes, not these, lose their servers when the link drops.`);
      const ingress = plant.values.ingress;
      if (ingress.enabled && ingress.controllerSite !== site) {
        // The autonomy rule refuses the other site; unknown is allowed, so say what it needs.
        advice.push(
          `Users reach the dashboard through the cluster's Ingress controller: run it on these nodes too (k3s: a HelmChartConfig for traefik whose nodeSelector and tolerations are this site's) and declare it with ingress.controllerSite: ${site}.`,
        );
      }
    }
  } else if (sitesOf(plant)[other].enabled) {
    advice.push(
      `If the k3s servers run on ${siteTitle[other]} nodes, a link outage leaves these nodes running what they have, but they start no new pod and none after a reboot (k3s-io/k3s#1686).`,
      `For this site to work on its own: its servers here (${flags}) and sites.${site}.autonomous: true.`,
    );
  }
  advice.push(
    v.outage.keepPods
      ? `Pods here stay on a node that stops reporting ${v.outage.tolerationSeconds ? `for ${v.outage.tolerationSeconds} s` : 'as long as the outage lasts'} (sites.${site}.outage).`
      : `Pods here are evicted 300 s after their node stops reporting (sites.${site}.outage.keepPods is false).`,
  );
  return { keepPods: v.outage.keepPods, autonomous: v.autonomous, advice };
}

type Toleration = WorkloadPlacement['tolerations'][number];

const tolerates = (tolerations: Toleration[], t: NodeTaint) =>
  tolerations.some(
    (x) =>
      (x.key === undefined || x.key === '' || x.key === t.key) &&
      (x.operator === 'Exists' || (x.value ?? '') === t.value) &&
      (x.effect === undefined || x.effect === '' || x.effect === t.effect),
  );

/**
 * Whether a rendered workload can be scheduled on the node, and if not why: its required
 * node affinity (terms ORed, labels ANDed), the taints it must tolerate, its GPUs and runtime.
 */
export function onNode(w: WorkloadPlacement, node: SiteNode): WorkloadOnNode {
  const gpus = w.gpus ? { ...w.gpus, runtimeClassName: w.runtimeClassName } : undefined;
  const base = { component: w.component, ...(gpus ? { gpus } : {}) };
  const matches = w.nodeTerms.length === 0 || w.nodeTerms.some((term) => Object.entries(term).every(([k, v]) => node.labels[k] === v));
  if (!matches) {
    const missing = Object.entries(w.nodeSelector).filter(([k, v]) => node.labels[k] !== v);
    const placed = w.nodeTerms.some((term) => Object.entries(term).every(([k, v]) => w.nodeSelector[k] === v || node.labels[k] === v));
    if (placed && missing.length) {
      return { ...base, runs: false, reason: `also needs node labels ${missing.map(([k, v]) => formatLabel(k, v)).join(', ')} (${w.component}.nodeSelector)` };
    }
    const where = w.sites.length ? w.sites.map((s) => siteTitle[s]).join(' or ') : 'no site';
    return { ...base, runs: false, reason: `placed on ${where}${w.gpus ? ' GPU' : ''} nodes` };
  }
  const untolerated = node.taints.filter((t) => t.effect !== 'PreferNoSchedule' && !tolerates(w.tolerations, t));
  if (untolerated.length) {
    return { ...base, runs: false, reason: `does not tolerate ${untolerated.map(formatTaint).join(', ')}` };
  }
  if (w.gpus && node.gpuResource?.resourceName !== w.gpus.resource) {
    return { ...base, runs: false, reason: `needs ${w.gpus.resource} from a GPU node` };
  }
  if (w.runtimeClassName && node.gpuResource?.runtimeClassName !== w.runtimeClassName) {
    return { ...base, runs: false, reason: `needs RuntimeClass ${w.runtimeClassName}` };
  }
  return { ...base, runs: true };
}

export function siteReport(node: SiteNode, plan: Plan): SiteReport {
  const { plant } = node;
  const labelArgs = Object.entries(node.labels).map(([k, v]) => formatLabel(k, v));
  const taintArgs = node.taints.map(formatTaint);

  // k3s agent (and server) flags --node-label / --node-taint, repeatable; they register the
  // node with them and are not reapplied to a node that exists (https://docs.k3s.io/cli/agent).
  const k3sFlags = [...labelArgs.flatMap((l) => ['--node-label', l]), ...taintArgs.flatMap((t) => ['--node-taint', t])];
  const exec = [node.role, ...k3sFlags.map(shellWord)].join(' ');
  // The k3s install script: K3S_URL makes the node join a server; a first server needs none.
  const k3sEnv =
    node.role === 'agent' ? `K3S_URL=${PLACEHOLDERS.k3sServer} K3S_TOKEN=${PLACEHOLDERS.k3sToken}` : `K3S_TOKEN=${PLACEHOLDERS.k3sToken}`;
  const install = `curl -sfL https://get.k3s.io | INSTALL_K3S_EXEC="${exec}" ${k3sEnv} sh -`;

  const kubectl = [
    `kubectl label node ${PLACEHOLDERS.node} ${labelArgs.map(shellWord).join(' ')} --overwrite`,
    ...taintArgs.map((t) => `kubectl taint node ${PLACEHOLDERS.node} ${shellWord(t)} --overwrite`),
  ];

  // Rancher's registration command for a custom cluster (Rancher installs k3s or RKE2 on
  // the node) runs rancher-system-agent's install script, which Rancher serves as
  // /system-agent-install.sh. Its flags, per rancher/system-agent install.sh, parse_args
  // (https://github.com/rancher/system-agent/blob/main/install.sh): --server, --token, --ca-checksum,
  // --label key=value and --taint key=value:Effect (each repeatable), and the roles
  // --etcd, --controlplane, --worker. Rancher's "Registration" tab prints this line; its
  // advanced options add the --label/--taint flags that are printed here.
  const rancherFlags = [...labelArgs.flatMap((l) => ['--label', l]), ...taintArgs.flatMap((t) => ['--taint', t])];
  const roles = node.role === 'agent' ? ['--worker'] : ['--etcd', '--controlplane', '--worker'];
  const registration =
    `curl --insecure -fL ${PLACEHOLDERS.rancherServer}/system-agent-install.sh | sudo sh -s - ` +
    [`--server`, PLACEHOLDERS.rancherServer, ...rancherFlags.map(shellWord), '--token', PLACEHOLDERS.registrationToken, ...roles].join(' ');

  const gpuPrerequisites = node.gpuResource
    ? {
        ...node.gpuResource,
        steps: gpuSteps(node),
      }
    : null;

  return {
    plant: { id: plant.id, displayName: plant.displayName, file: fileOf(plant) },
    site: node.site,
    siteTitle: siteTitle[node.site],
    gpu: node.gpu,
    role: node.role,
    labels: node.labels,
    taints: node.taints,
    k3s: {
      flags: k3sFlags,
      install,
      config: { 'node-label': labelArgs, ...(taintArgs.length ? { 'node-taint': taintArgs } : {}) },
    },
    kubectl,
    rancher: { flags: rancherFlags, registration },
    workloads: plan.workloads.map((w) => onNode(w, node)),
    gpuPrerequisites,
    outage: outageAdvice(node.plant, node.site),
    warnings: node.warnings,
  };
}

function gpuSteps(node: SiteNode): string[] {
  const g = node.gpuResource!;
  const gpuValues = sitesOf(node.plant)[node.site].gpu;
  const steps = [
    'NVIDIA driver and the NVIDIA Container Toolkit on the host, before k3s starts: k3s finds the NVIDIA container runtime at start and adds it to its containerd configuration (restart k3s after installing the toolkit).',
  ];
  if (g.runtimeClassName) {
    steps.push(
      g.runtimeClassName === 'nvidia'
        ? 'RuntimeClass "nvidia" (handler nvidia): recent k3s releases create it; otherwise: kubectl apply -f - <<< \'{"apiVersion":"node.k8s.io/v1","kind":"RuntimeClass","metadata":{"name":"nvidia"},"handler":"nvidia"}\''
        : `RuntimeClass "${g.runtimeClassName}" (sites.${node.site}.gpu.runtimeClassName) with the NVIDIA handler: kubectl apply -f - <<< '{"apiVersion":"node.k8s.io/v1","kind":"RuntimeClass","metadata":{"name":"${g.runtimeClassName}"},"handler":"nvidia"}'`,
    );
  } else {
    steps.push(`No RuntimeClass (sites.${node.site}.gpu.runtimeClassName is empty): the node's default runtime must be the NVIDIA runtime.`);
  }
  const tolerations = node.taints.map((t) => `${formatTaint(t)}`).join(', ');
  steps.push(
    `NVIDIA device plugin (DaemonSet) advertising ${g.resourceName} on this node` +
      (g.runtimeClassName ? `, run with runtimeClassName ${g.runtimeClassName}` : '') +
      (tolerations ? `; it must tolerate every taint of the node (${tolerations}), or it never starts there and the node offers no ${g.resourceName}` : '') +
      '.',
  );
  if (gpuValues.nodeLabel.key === 'nvidia.com/gpu.present') {
    steps.push('GPU feature discovery (optional) sets nvidia.com/gpu.present=true by itself; the label given here does the same without it.');
  }
  return steps;
}

export function formatSite(r: SiteReport): string {
  const head = `Plant ${r.plant.displayName} (${r.plant.id}): ${r.siteTitle} node${r.gpu ? ' with GPU' : ''}, k3s ${r.role}`;
  // Explanations wrap at 100 columns; commands stay one line each, to be copied whole.
  const section = (title: string, lines: string[]) => ['', ...wrap(title, 100), ...lines.map((l) => `  ${l}`)];
  const bullets = (steps: string[]) =>
    steps.flatMap((s) => {
      const command = /^(.*): (kubectl .*)$/.exec(s);
      const text = command ? `${command[1]}:` : s;
      return [...wrap(`- ${text}`, 98).map((l, i) => (i ? `  ${l}` : l)), ...(command ? [`    ${command[2]}`] : [])];
    });
  const runs = r.workloads.filter((w) => w.runs);
  const elsewhere = r.workloads.filter((w) => !w.runs);
  const width = Math.max(0, ...r.workloads.map((w) => w.component.length));
  const gpuText = (w: WorkloadOnNode) =>
    w.gpus ? `${w.gpus.count}x ${w.gpus.resource}${w.gpus.runtimeClassName ? `, runtime ${w.gpus.runtimeClassName}` : ''}` : '';
  const config = [
    'node-label:',
    ...r.k3s.config['node-label'].map((l) => `  - "${l}"`),
    ...(r.k3s.config['node-taint'] ? ['node-taint:', ...r.k3s.config['node-taint'].map((t) => `  - "${t}"`)] : []),
  ];
  return [
    head,
    '',
    `  labels: ${Object.entries(r.labels).map(([k, v]) => formatLabel(k, v)).join('  ')}`,
    `  taints: ${r.taints.map(formatTaint).join('  ') || 'none'}`,
    ...r.warnings.flatMap((w) => wrap(`WARNING: ${w}`, 96).map((l, i) => `  ${i ? '  ' : ''}${l}`)),
    ...section('New node, k3s install script (fill in the <placeholders>):', [
      r.k3s.install,
      ...(r.role === 'server' ? [`(a further server of an existing cluster: add K3S_URL=${PLACEHOLDERS.k3sServer} before sh -)`] : []),
    ]),
    ...section('... or the same in /etc/rancher/k3s/config.yaml before installing:', config),
    ...section('Existing node (install-time labels and taints apply only when a node first registers):', r.kubectl),
    ...section('New node of a Rancher custom cluster (Rancher installs k3s; its Registration command, with these labels and taints):', [
      r.rancher.registration,
    ]),
    ...section(
      `Workloads of ${r.plant.id} that will run on such a node:`,
      runs.length ? runs.map((w) => `${w.component.padEnd(width)}  ${gpuText(w)}`.trimEnd()) : ['none'],
    ),
    ...(elsewhere.length
      ? section(
          'Not on such a node:',
          elsewhere.flatMap((w) => wrap(w.reason ?? '', 96 - width).map((l, i) => `${(i ? '' : w.component).padEnd(width)}  ${l}`)),
        )
      : []),
    ...(r.gpuPrerequisites ? section('GPU prerequisites:', bullets(r.gpuPrerequisites.steps)) : []),
    ...section('When the link to the k3s servers drops:', bullets(r.outage.advice)),
  ].join('\n');
}

