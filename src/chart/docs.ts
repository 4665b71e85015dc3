import { readFileSync } from 'node:fs';
import type { Group } from '../params/dsl.ts';
import { formatTaint, SITES, siteTitle } from '../placement/sites.ts';
import { renderParameterTable } from './files/readme-table.ts';
import { renderOperations } from './operations.ts';
import { opsContext } from './ops-context.ts';
import type { KubeVisionValues } from '../params/kubevision.ts';


/** What a plant must put on its k3s nodes so that placement finds them. */
export function nodeSetup(values: KubeVisionValues): string {
  const sites = values.sites;
  const lines: string[] = [];
  for (const site of SITES) {
    const s = sites[site];
    if (!s.enabled) continue;
    lines.push(`- **${siteTitle[site]} nodes**: label \`${s.nodeLabel.key}=${s.nodeLabel.value}\``);
    if (s.taint.enabled) lines.push(`  and taint \`${formatTaint(s.taint)}\``);
    if (s.gpu.enabled) {
      lines.push(
        `- **${siteTitle[site]} GPU nodes**: additionally label \`${s.gpu.nodeLabel.key}=${s.gpu.nodeLabel.value}\`` +
          (s.gpu.taint.enabled ? ` and taint \`${formatTaint(s.gpu.taint)}\`` : '') +
          `; the NVIDIA device plugin must advertise \`${s.gpu.resourceName}\`` +
          (s.gpu.runtimeClassName ? ` and RuntimeClass \`${s.gpu.runtimeClassName}\` must exist` : ''),
      );
    }
  }
  return lines.join('\n');
}

export interface ReadmeInput {
  chartName: string;
  title: string;
  intro: string;
  root: Group;
  defaults: KubeVisionValues;
}

export function chartReadme(r: ReadmeInput): string {
  return `# ${r.title}

${r.intro}

KubeVision is a face-authentication web application for production plants: a dashboard
(\`frontend\`), an auth service (\`auth\`), a face service (\`face\`, TensorFlow.js) and
MongoDB. Each workload runs on the plant's on-premise edge nodes, in the cloud, or on any
node (\`<service>.placement\`); the face service can run on a GPU site (\`face.compute\`).

## Preparing the nodes

Placement turns into required node affinity and tolerations. With these values the
plant's nodes must carry:

${nodeSetup(r.defaults)}

On k3s, set them at install time, e.g. \`--node-label kubevision.io/site=onprem
--node-taint kubevision.io/site=onprem:NoSchedule\`, or later with \`kubectl label node\`
and \`kubectl taint node\`. Other label keys and taints are configured under \`sites\`.
In the KubeVision repository, \`npm run kubevision -- site <plant> onprem|cloud [--gpu]\`
prints the exact k3s install, kubectl and Rancher registration flags for a plant's node.

## Your own scheduling beside placement

\`global.nodeSelector\`, \`global.tolerations\` and \`global.affinity\` apply to every
workload, \`<service>.nodeSelector\` (and \`tolerations\`, \`affinity\`) to one. They add to
what placement generates: node selectors are merged (the service's wins on a key) and ANDed
with placement's node affinity; tolerations are placement's, then the global ones, then the
service's; preferred node affinity, pod affinity and anti-affinity are the service's or else
the global ones. Required node affinity is refused: Kubernetes ORs its terms, so a term of
yours would widen placement instead of narrowing it. Require more labels with nodeSelector.

Rancher's form asks, in its last group *Advanced scheduling*, for what its inputs hold
typed: node labels required (\`nodeSelector\`) and preferred (\`preferNodeLabels\`: one
preferred term of weight 100, global and the service's merged), taints to tolerate written
as kubectl writes them (\`tolerateTaints\`: \`key[=value][:effect]\`, e.g.
\`plant.example/line=7:NoSchedule\`; with a value only that value, without an effect every
effect; they follow the toleration objects), and the PriorityClass. Toleration objects and
affinity are set in the values (Rancher's YAML editor), since the form's YAML field would
hand the chart text instead of a list.

## When the WAN link drops

Kubernetes evicts the pods of a node that stops reporting after 300 s. On-premise pods
tolerate \`node.kubernetes.io/unreachable\` and \`not-ready\` instead, for as long as the
outage lasts (\`sites.onprem.outage\`; the cloud site keeps Kubernetes' default). A pod
placed \`any\` keeps this only when every site does. A k3s agent cut off from its server
keeps running its pods but starts no new one, so a site that must work on its own runs its
k3s servers itself: declare it with \`sites.<site>.autonomous\`, and the install refuses a
dashboard, auth or bundled MongoDB placed anywhere else (login needs all three; without the
face service the face step falls back to recovery codes). From Kubernetes 1.31 the Services
prefer endpoints in the caller's zone (\`trafficDistribution: PreferClose\`), and each site's
nodes carry its zone (\`sites.<site>.zone\`, the \`topology.kubernetes.io/zone\` label
\`kubevision site\` prints), so a call between two services that both run on a site stays there.

## Installing from Rancher, and image registries

Rancher's install form takes the release name and namespace from this chart (\`kubevision\`
in \`kubevision\`) and adds its own values (\`global.cattle.*\`), which the chart accepts and
does not need. Images come from \`global.imageRegistry\` when it is set (a plant's mirror),
else from Rancher's system default registry (the *Container Registry* field of Rancher's
install form, \`global.cattle.systemDefaultRegistry\`), else from the repository as written.

## Security defaults

Pods run as non-root with a read-only root filesystem, no privilege escalation, all
capabilities dropped, the RuntimeDefault seccomp profile and no service account token.
NetworkPolicies admit MongoDB connections only from auth and face, and face connections
only from auth. Generated credentials are kept across upgrades; every credential can come
from an existing Secret instead.

## Secrets and restarts

Each pod carries a \`checksum/secret-<name>\` annotation for every Secret its environment
reads (auth: credentials, mongodb, admin; face: credentials, mongodb; MongoDB: its own; the
dashboard none), so an upgrade that changes a Secret restarts exactly the pods that read it,
and an upgrade that changes nothing restarts nothing. For a Secret the chart generates, the
checksum is of the data it writes; for your own Secret (\`existingSecret\`, an external
MongoDB) it is of the cluster's copy at install or upgrade time: after rotating your own
Secret, upgrade the release with the same values (\`helm upgrade\`, or *Upgrade* in Rancher)
to roll its readers; nothing watches the Secret between upgrades.
\`helm template\` without a cluster cannot read your Secret and renders no checksum for it.

The client address that login throttling and the audit use is taken from X-Forwarded-For
only when a known proxy sent it: the dashboard believes \`clientAddress.ingress\` (the
Ingress controller's pods), auth believes \`clientAddress.dashboard\`, the face service no
one. Both default to k3s' pod network, 10.42.0.0/16; set them to your cluster's pod CIDR
(\`--cluster-cidr\`). The dashboard's probes and metrics answer on the container port
\`management\` (9090), which no Service or Ingress routes.

${renderOperations(opsContext(r.chartName, r.defaults))}

## Parameters

Every value is checked by \`values.schema.json\` (unknown keys, types, enums, ranges) and by
the chart's own rules (e.g. a GPU face service needs a GPU site, TLS needs a host), so a
wrong value fails the install with a message that names it.

${renderParameterTable(r.root, r.defaults)}`;
}

/** The notes helm prints after an install: a Go template of its own, src/chart/NOTES.txt. */
export const notesTxt = (): string => readFileSync(new URL('./NOTES.txt', import.meta.url), 'utf8');
