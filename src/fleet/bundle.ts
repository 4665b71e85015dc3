import type { Plant } from '../plant/load.ts';
import { GENERIC_CHART } from '../pipeline/charts.ts';
import { helmYamlDocument } from '../helm/yaml.ts';

/**
 * catalog/fleet: one Rancher Fleet bundle that deploys every plant. Its fleet.yaml installs
 * the generic chart from the generic catalog served over HTTP, and gives each plant's
 * cluster (selected by a cluster label) that plant's values, exactly the overrides of its
 * plant file: helm then coalesces them over the chart's defaults the way the build does for
 * the plant chart's values.yaml.
 *
 * Field names and semantics follow Fleet's fleet.yaml reference
 * (https://fleet.rancher.io/ref-fleet-yaml, rancher/fleet-docs docs/ref-fleet-yaml.md) and
 * its code (github.com/rancher/fleet):
 * - helm.repo + helm.chart: with a repo, chart is the chart's name in that repository.
 * - targetCustomizations: evaluated in order, the first match is used; its helm options
 *   are merged over the root ones: values deep-merged, chart/repo/version replaced when set,
 *   valuesFrom merged (rancher/fleet internal/cmd/controller/options/calculate.go, Merge).
 * - helm.valuesFrom: configMapKeyRef / secretKeyRef {name, namespace, key}, read on the
 *   downstream cluster by the agent when it installs; their values are merged over
 *   helm.values, Secrets last (internal/helmdeployer/install.go, getValues). A missing
 *   Secret fails the deployment, so the README says to create it first.
 * - the chart URL from index.yaml is resolved against helm.repo as a URL reference
 *   (internal/bundlereader/charturl.go, toAbsoluteURLIfNeeded): the catalog's relative
 *   `assets/...` URLs need a repo URL that ends with a slash.
 */

export const FLEET_DIR = 'fleet';
export { PLANT_CLUSTER_LABEL } from './cluster-label.ts';
import { FLEET_WORKSPACE, PLANT_CLUSTER_LABEL } from './cluster-label.ts';
export const FLEET_NAMESPACE = 'kubevision';
export const FLEET_RELEASE = 'kubevision';
/** Cluster-local values kept out of git: a Secret on each downstream cluster. */
export const FLEET_VALUES_SECRET = { name: 'kubevision-values', key: 'values.yaml' } as const;
export const FLEET_REPO_ENV = 'KUBEVISION_FLEET_REPO';
/** A placeholder: publish catalog/generic over HTTP(S) and build with --fleet-repo or $KUBEVISION_FLEET_REPO. */
export const DEFAULT_FLEET_REPO = 'https://charts.example.com/kubevision/generic/';

/** The repository URL as Fleet needs it: http(s), ending with a slash. */
export function fleetRepoUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`fleet repository URL "${raw}" is not a URL (--fleet-repo / $${FLEET_REPO_ENV}: where catalog/generic is served over HTTP)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`fleet repository URL "${raw}" must be http or https: Fleet reads index.yaml from it`);
  }
  if (url.search || url.hash) throw new Error(`fleet repository URL "${raw}" must have no query or fragment`);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.toString();
}

interface SecretRef {
  name: string;
  namespace: string;
  key: string;
}

export interface FleetYaml {
  defaultNamespace: string;
  helm: {
    releaseName: string;
    repo: string;
    chart: string;
    version: string;
    disablePreProcess: boolean;
    valuesFrom: ({ secretKeyRef: SecretRef } | { configMapKeyRef: SecretRef })[];
  };
  targetCustomizations: {
    name: string;
    clusterSelector: { matchLabels: Record<string, string> };
    helm: { values: Record<string, unknown> };
  }[];
}

export function fleetYaml(plants: Plant[], repo: string, chartVersion: string): FleetYaml {
  return {
    defaultNamespace: FLEET_NAMESPACE,
    helm: {
      releaseName: FLEET_RELEASE,
      repo: fleetRepoUrl(repo),
      chart: GENERIC_CHART,
      version: chartVersion,
      // The plant values reach helm as written: no ${ } templating by Fleet.
      disablePreProcess: true,
      valuesFrom: [{ secretKeyRef: { name: FLEET_VALUES_SECRET.name, namespace: FLEET_NAMESPACE, key: FLEET_VALUES_SECRET.key } }],
    },
    targetCustomizations: plants.map((p) => ({
      name: p.id,
      clusterSelector: { matchLabels: { [PLANT_CLUSTER_LABEL]: p.id } },
      helm: { values: structuredClone(p.overrides) },
    })),
  };
}

/** The Secrets a plant's values name, which must exist on its cluster before the install. */
export function namedSecrets(plant: Plant): { value: string; name: string; holds: string }[] {
  const v = plant.values;
  const out: { value: string; name: string; holds: string }[] = [];
  for (const s of v.global.imagePullSecrets) out.push({ value: 'global.imagePullSecrets', name: s, holds: 'registry credentials, type kubernetes.io/dockerconfigjson' });
  if (v.mongodb.mode === 'external') {
    out.push({ value: 'mongodb.external.existingSecret', name: v.mongodb.external.existingSecret, holds: `the MongoDB connection string under key ${v.mongodb.external.uriKey}` });
  } else if (v.mongodb.auth.existingSecret) {
    out.push({ value: 'mongodb.auth.existingSecret', name: v.mongodb.auth.existingSecret, holds: 'keys mongodb-root-password and mongodb-uri' });
  }
  if (v.ingress.enabled && v.ingress.tls.enabled && v.ingress.tls.mode === 'secret' && v.ingress.tls.secretName) {
    out.push({ value: 'ingress.tls.secretName', name: v.ingress.tls.secretName, holds: 'the dashboard certificate, type kubernetes.io/tls' });
  }
  if (v.serviceCredential.existingSecret) {
    out.push({ value: 'serviceCredential.existingSecret', name: v.serviceCredential.existingSecret, holds: 'key face-service-token' });
  }
  return out;
}

export function fleetFiles(plants: Plant[], repo: string, chartVersion: string): Map<string, string> {
  const spec = fleetYaml(plants, repo, chartVersion);
  const doc = helmYamlDocument(spec);
  doc.commentBefore =
    ' Generated by KubeVision (npm run build) from values/*.yaml: a Rancher Fleet bundle for every plant.\n' +
    ' Do not edit; see README.md beside it.';
  return new Map([
    ['fleet.yaml', doc.toString({ lineWidth: 0 })],
    ['README.md', fleetReadme(spec, plants)],
  ]);
}

function fleetReadme(spec: FleetYaml, plants: Plant[]): string {
  const ids = plants.map((p) => p.id);
  const rows = plants.map((p) => {
    const secrets = namedSecrets(p);
    const named = secrets.length ? secrets.map((s) => `\`${s.name}\`: ${s.holds} (\`${s.value}\`)`).join('<br>') : 'none';
    return `| \`${p.id}\` | \`${PLANT_CLUSTER_LABEL}=${p.id}\` | ${named} |`;
  });
  const ref = spec.helm.valuesFrom[0]!;
  const secret = 'secretKeyRef' in ref ? ref.secretKeyRef : ref.configMapKeyRef;
  return `# KubeVision for every plant with Rancher Fleet

Generated by \`npm run build\`. \`fleet.yaml\` is one Fleet bundle: it installs the generic
\`${spec.helm.chart}\` chart ${spec.helm.version} as release \`${spec.helm.releaseName}\` in namespace
\`${spec.defaultNamespace}\`, and gives each plant's cluster that plant's values (the \`values:\` of
\`values/<plant>.yaml\`, one \`targetCustomizations\` entry per plant, chosen by the cluster label
\`${PLANT_CLUSTER_LABEL}\`). It holds no secret: credentials stay in Secrets on each cluster.

## 1. Serve the generic chart

Fleet downloads the chart from the Helm repository in \`helm.repo\`:
\`${spec.helm.repo}\`.
Serve \`catalog/generic/\` (its \`index.yaml\` and \`assets/\`) at that URL, then set the URL and
rebuild: \`npm run build -- --fleet-repo https://charts.example.net/kubevision/generic/\` (or
\`${FLEET_REPO_ENV}=...\`). The URL must end with \`/\` (the build adds it): Fleet resolves
the index's relative \`assets/...\` links against it.

## 2. Point Fleet at this folder

In Rancher: *Continuous Delivery > Git Repos > Add Repository*, or apply a \`GitRepo\` in the
workspace of the plants' clusters (\`${FLEET_WORKSPACE}\` for clusters Rancher manages):

\`\`\`yaml
apiVersion: fleet.cattle.io/v1alpha1
kind: GitRepo
metadata:
  name: kubevision
  namespace: ${FLEET_WORKSPACE}
spec:
  repo: https://git.example.com/platform/kubevision.git   # this repository
  branch: main
  paths:
    - catalog/fleet
  # Only clusters labelled as one of the plants: a cluster that no targetCustomization
  # matches would otherwise get the generic chart's defaults.
  targets:
    - name: kubevision-plants
      clusterSelector:
        matchExpressions:
          - key: ${PLANT_CLUSTER_LABEL}
            operator: In
            values:
${ids.map((id) => `              - ${id}`).join('\n')}
\`\`\`

Add each new plant to \`values:\` above when it is added under \`values/\`.

## 3. Label each plant's cluster

Label the Fleet cluster with its plant, in Rancher (*Cluster Management > the cluster > Edit
Config > Labels & Annotations*) or with kubectl on the Rancher (management) cluster:

\`\`\`sh
kubectl label clusters.fleet.cattle.io -n ${FLEET_WORKSPACE} <cluster> ${PLANT_CLUSTER_LABEL}=<plant>
\`\`\`

| plant | cluster label | Secrets its values name (create them on the cluster first) |
|---|---|---|
${rows.join('\n')}

## 4. Cluster-local values and credentials

\`helm.valuesFrom\` reads values that are not in git from a Secret on each downstream
cluster: \`${secret.name}\` in namespace \`${secret.namespace}\`, key \`${secret.key}\`. Fleet merges them
over the plant's values (Secrets last), and fails the deployment while the Secret is
missing, so create it on every plant's cluster, with \`{}\` when there is nothing to add:

\`\`\`sh
kubectl create namespace ${secret.namespace}
kubectl -n ${secret.namespace} create secret generic ${secret.name} --from-file=${secret.key}=./cluster-values.yaml
\`\`\`

Credentials themselves never go into values: the chart reads them from Secrets it is
given by name (the table above), or generates them on the cluster and keeps them across
upgrades.

Check the bundle before pushing: \`fleet apply -o - kubevision catalog/fleet\` (the Fleet CLI)
prints the Bundle resource it makes, with the chart fetched from \`helm.repo\`.
`;
}
