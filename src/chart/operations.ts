import { MONGODB_PORT, secretKeys } from '../../apps/shared/contract.ts';
import { SITES, siteTitle } from '../placement/sites.ts';
import { MONGODB_ROOT_USER } from './constructs/mongodb.ts';
import { FLEET_WORKSPACE, PLANT_CLUSTER_LABEL } from '../fleet/cluster-label.ts';
import { bundledMongodb, placementMove, type OpsContext } from './ops-context.ts';

/**
 * The operator guide of every chart README, declared once: sections of prose and
 * commands, each a function of the chart, release, namespace, plant and catalog. Object
 * names come from the helpers the constructs name objects with. test/chart/operations.test.ts
 * runs or checks every command declared here against the built charts and catalogs.
 */

/** The chart's own OCI repository: helm push names it after the chart, under the path pushed to. */
export const ociChart = (c: OpsContext) => `${c.ociRepo}/${c.chart}`;
/** The guide's keyring file: the publisher's public key, exported for helm (gpg --export). */
export const KEYRING_FILE = 'kubevision-keyring.gpg';
const valuesFlag = (c: OpsContext) => (c.plant ? '' : ' -f my-values.yaml');
const catalogFolder = (c: OpsContext) => `catalog/${c.plant ?? 'generic'}/`;
const ref = (c: OpsContext) => `${c.repo}/${c.chart}`;
const ns = (c: OpsContext) => `--namespace ${c.namespace}`;

// --- the guide -----------------------------------------------------------------------

export type CommandKind =
  /** A Kubernetes manifest (a code block of YAML). */
  | 'manifest'
  /** helm against the catalog, or an install/upgrade. */
  | 'helm'
  /** kubectl that prints a manifest without a cluster, piped to kubectl apply. */
  | 'kubectl-dry-run'
  /** Needs a live cluster. */
  | 'cluster'
  /** A local shell command. */
  | 'shell';

export interface Command {
  id: string;
  kind: CommandKind;
  text: (c: OpsContext) => string;
  /** Rendered only for charts where this holds (default: always). */
  when?: (c: OpsContext) => boolean;
}

type Prose = (c: OpsContext) => string | undefined;
export type Block = Prose | Command;

export interface Section {
  title: (c: OpsContext) => string;
  blocks: Block[];
}

const isCommand = (b: Block): b is Command => typeof b === 'object';

const mongoAuth = (c: OpsContext) => `--username ${MONGODB_ROOT_USER} --password "$MONGODB_PASSWORD" --authenticationDatabase admin`;
const backupFile = 'kubevision-mongodb.archive.gz';
const exec = (c: OpsContext, stdin = false) =>
  `kubectl -n ${c.namespace} exec${stdin ? ' -i' : ''} ${c.names.mongodbPod} -c ${c.names.mongodbContainer} --`;
const isPlant = (c: OpsContext) => c.plant !== undefined;
const ifPlant = (text: Prose): Prose => (c) => (isPlant(c) ? text(c) : undefined);
const ifBundled = (text: string | ((c: OpsContext) => string)): Prose => (c) => (bundledMongodb(c) ? (typeof text === 'string' ? text : text(c)) : undefined);

export const OPERATIONS: Section[] = [
  {
    title: () => 'Adding the catalog to Rancher',
    blocks: [
      (c) =>
        `This chart's catalog is the folder \`${catalogFolder(c)}\` of the KubeVision build` +
        (c.plant ? ' (it holds every version of this chart, nothing of any other plant)' : '') +
        '. Publish it either over HTTP(S), as a static folder (`index.yaml` and `assets/`), or as the root of a git repository ' +
        '(`charts/<name>/<version>/`). Then, in Rancher, *Apps > Repositories > Create* with its URL, or apply a `ClusterRepo` ' +
        '(`kubectl apply -f clusterrepo.yaml` in the Rancher local cluster, or the target cluster\'s *Import YAML*). Over HTTP(S):',
      {
        id: 'clusterrepo-http',
        kind: 'manifest',
        text: (c) => `apiVersion: catalog.cattle.io/v1\nkind: ClusterRepo\nmetadata:\n  name: ${c.repo}\nspec:\n  url: ${c.catalogUrl}`,
      },
      () => 'From git (Rancher clones the branch and reads the charts in it):',
      {
        id: 'clusterrepo-git',
        kind: 'manifest',
        text: (c) =>
          `apiVersion: catalog.cattle.io/v1\nkind: ClusterRepo\nmetadata:\n  name: ${c.repo}\nspec:\n  gitRepo: https://git.example.com/kubevision/${c.repo}.git\n  gitBranch: main`,
      },
      () => 'Replace the example URLs with your own. With the helm CLI, the same HTTP(S) catalog:',
      { id: 'repo-add', kind: 'helm', text: (c) => `helm repo add ${c.repo} ${c.catalogUrl}` },
      { id: 'repo-search', kind: 'helm', text: (c) => `helm search repo ${c.repo}/` },
    ],
  },
  {
    title: (c) => (c.plant ? 'Installing for this plant' : 'Installing for a plant'),
    blocks: [
      (c) =>
        `From Rancher: *Apps > Charts*, pick **${c.chart}**, *Install*, keep the namespace \`${c.namespace}\` and the name \`${c.release}\` ` +
        '(the commands below assume them), and fill in the form. With helm, see the defaults first:',
      { id: 'show-values', kind: 'helm', text: (c) => `helm show values ${ref(c)}` },
      (c) =>
        c.plant
          ? "then install (the plant's defaults are built in; add `-f` or `--set` for anything else):"
          : "then install with the plant's values in `my-values.yaml` (e.g. the `values:` part of its `values/<plant>.yaml`):",
      {
        id: 'install',
        kind: 'helm',
        text: (c) => `helm upgrade --install ${c.release} ${ref(c)} ${ns(c)} --create-namespace${c.plant ? '' : ' -f my-values.yaml'}`,
      },
    ],
  },
  {
    title: () => 'Installing from an OCI registry',
    blocks: [
      (c) =>
        'The same chart archives are pushed to OCI registries (`npm run publish -- oci://HOST/PATH` where the charts are built, which ' +
        'prints the digest of each version and records it in `catalog/oci-digests.json`). Helm names each repository after its chart, ' +
        `so with the charts under \`${c.ociRepo}\` this chart is \`${ociChart(c)}\`, one tag per chart version. ` +
        'Log in first if the registry wants it (`helm registry login HOST`). Signed charts are pushed with their provenance, which ' +
        'Helm 3.18.0 cannot read from a registry at all (it refuses the chart: helm/helm#30890); use Helm 3.18.1 or later, or Helm 4. ' +
        'Without `--version` helm takes the highest version:',
      { id: 'oci-show-values', kind: 'helm', text: (c) => `helm show values ${ociChart(c)}` },
      { id: 'oci-install', kind: 'helm', text: (c) => `helm upgrade --install ${c.release} ${ociChart(c)} ${ns(c)} --create-namespace${valuesFlag(c)}` },
      () =>
        'A tag can be moved; a digest cannot. To install exactly the bytes that were published, take the digest of the version from ' +
        '`catalog/oci-digests.json` (or from the publish output) into `CHART_DIGEST`:',
      {
        id: 'oci-install-digest',
        kind: 'helm',
        text: (c) => `helm upgrade --install ${c.release} ${ociChart(c)}@"$CHART_DIGEST" ${ns(c)} --create-namespace${valuesFlag(c)}`,
      },
      () =>
        "Signed charts carry a provenance file (`.prov`), pushed with the archive. Verify it at install with the publisher's public key, " +
        `exported as a keyring file (\`gpg --export KEY > ${KEYRING_FILE}\`): helm refuses an archive whose sum or signature does not match.`,
      {
        id: 'oci-install-verify',
        kind: 'helm',
        text: (c) => `helm upgrade --install ${c.release} ${ociChart(c)} ${ns(c)} --create-namespace --verify --keyring ${KEYRING_FILE}${valuesFlag(c)}`,
      },
      (c) =>
        'In Rancher 2.9 or later: *Apps > Repositories > Create*, target *OCI Repository*, with the chart\'s repository as the URL, or the ' +
        `same as a \`ClusterRepo\`. Rancher lists the repository's tags and shows the highest version; a registry that wants a login needs a ` +
        '`kubernetes.io/basic-auth` Secret in `cattle-system` named under `spec.clientSecret`' +
        (c.plant ? '.' : '. With `' + c.ociRepo + '` as the URL instead, Rancher lists every chart under it.'),
      {
        id: 'clusterrepo-oci',
        kind: 'manifest',
        text: (c) => `apiVersion: catalog.cattle.io/v1\nkind: ClusterRepo\nmetadata:\n  name: ${c.repo}-oci\nspec:\n  url: ${ociChart(c)}`,
      },
      ifPlant(
        (c) =>
          `With Fleet (0.12 or later), a \`HelmOp\` in the workspace \`${FLEET_WORKSPACE}\` installs this chart from the registry on every ` +
          `cluster labelled \`${PLANT_CLUSTER_LABEL}=${c.plant}\`, without a git repository. For OCI, \`helm.repo\` is the chart's whole ` +
          'repository and `helm.chart` stays empty; `version: "*"` follows each new version (Fleet resolves it against the tags, and ' +
          'polls when `pollingInterval` is set). A registry login goes into a Secret named by `helmSecretName`.',
      ),
      {
        id: 'fleet-helmop',
        kind: 'manifest',
        when: isPlant,
        text: (c) =>
          `apiVersion: fleet.cattle.io/v1alpha1\nkind: HelmOp\nmetadata:\n  name: ${c.chart}\n  namespace: ${FLEET_WORKSPACE}\nspec:\n` +
          `  namespace: ${c.namespace}\n  helm:\n    releaseName: ${c.release}\n    repo: ${ociChart(c)}\n    version: "*"\n` +
          `  pollingInterval: 10m\n  targets:\n    - clusterSelector:\n        matchLabels:\n          ${PLANT_CLUSTER_LABEL}: ${c.plant}`,
      },
      ifPlant(() => "From a git repository instead (a `GitRepo`), the bundle's `fleet.yaml` names the OCI chart in `helm.chart`:"),
      {
        id: 'fleet-yaml-oci',
        kind: 'manifest',
        when: isPlant,
        text: (c) =>
          `defaultNamespace: ${c.namespace}\nhelm:\n  releaseName: ${c.release}\n  chart: ${ociChart(c)}\n  version: "*"\n` +
          `targets:\n  - clusterSelector:\n      matchLabels:\n        ${PLANT_CLUSTER_LABEL}: ${c.plant}`,
      },
    ],
  },
  {
    title: () => 'Changing placement',
    blocks: [
      (c) => {
        const { target, sets } = placementMove(c);
        const notes: string[] = [];
        if (sets.some((s) => s.startsWith('sites.'))) notes.push(`this chart's ${siteTitle[target]} site is off by default, so the command turns it on`);
        if (sets.includes('face.compute=cpu')) notes.push(`the ${siteTitle[target]} site has no GPU here, so face runs on CPU there`);
        return (
          `Each workload's site is a value (\`frontend.placement\`, \`auth.placement\`, \`face.placement\`, \`mongodb.placement\`: ` +
          `${SITES.join(', ')} or any). To move the face service to the ${siteTitle[target]} nodes, keeping every other value` +
          (notes.length ? ` (${notes.join('; ')})` : '') +
          ':'
        );
      },
      {
        id: 'placement',
        kind: 'helm',
        text: (c) => `helm upgrade ${c.release} ${ref(c)} ${ns(c)} --reuse-values ${placementMove(c).sets.map((s) => `--set ${s}`).join(' ')}`,
      },
      () =>
        'In Rancher: *Apps > Installed Apps*, the app, *Edit/Upgrade*, change the placement in the form. The pods are replaced ' +
        'on nodes of the new site; a MongoDB move keeps its volume only if the new site can reach it (local-path volumes stay on their node).',
    ],
  },
  {
    title: () => 'Upgrading',
    blocks: [
      () => 'Fetch the new index, then upgrade, keeping the values you set and taking the new chart defaults for the rest:',
      { id: 'repo-update', kind: 'helm', text: (c) => `helm repo update ${c.repo}` },
      { id: 'upgrade', kind: 'helm', text: (c) => `helm upgrade ${c.release} ${ref(c)} ${ns(c)} --reset-then-reuse-values` },
      () =>
        'In Rancher, the repository refreshes on its own (or *Apps > Repositories > Refresh*); *Installed Apps* then offers the upgrade. ' +
        'Every change to the chart is published as a higher version and no published version changes, so an upgrade is always to ' +
        'something new and a rollback (helm rollback, or *Roll Back* in Rancher) finds the version it left. Generated credentials are kept across upgrades.',
    ],
  },
  {
    title: () => 'Backing up and restoring MongoDB',
    blocks: [
      (c) =>
        bundledMongodb(c)
          ? 'The bundled MongoDB runs as a one-member StatefulSet. Back it up with `mongodump` inside its pod, as the root user whose ' +
            `password is in the generated Secret \`${c.names.mongodbSecret}\` (with \`mongodb.auth.existingSecret\`, read that Secret instead). ` +
            'With `mongodb.mode: external` the database is the plant\'s own, and so are its backups.'
          : "This chart's MongoDB is external (`mongodb.mode: external`): it is the plant's own server, backed up and restored with the plant's own tools. " +
            'Only a bundled MongoDB (`mongodb.mode: bundled`) is backed up from the cluster, with `mongodump` inside its pod.',
      {
        id: 'mongodb-password',
        kind: 'cluster',
        when: bundledMongodb,
        text: (c) =>
          `MONGODB_PASSWORD=$(kubectl -n ${c.namespace} get secret ${c.names.mongodbSecret} -o jsonpath='{.data.${secretKeys.mongodbRootPassword}}' | base64 -d)`,
      },
      ifBundled('Back up into a compressed archive on your machine:'),
      {
        id: 'mongodb-backup',
        kind: 'cluster',
        when: bundledMongodb,
        text: (c) => `${exec(c)} mongodump ${mongoAuth(c)} --archive --gzip > ${backupFile}`,
      },
      ifBundled(
        'Restore it (`--drop` replaces each collection with the one from the archive). Do it in a maintenance window: logins write while it runs.',
      ),
      {
        id: 'mongodb-restore',
        kind: 'cluster',
        when: bundledMongodb,
        text: (c) => `${exec(c, true)} mongorestore ${mongoAuth(c)} --archive --gzip --drop < ${backupFile}`,
      },
    ],
  },
  {
    title: () => 'Rotating secrets',
    blocks: [
      (c) =>
        `The face service token (key \`${secretKeys.faceServiceToken}\` of \`${c.names.credentialsSecret}\`, or of \`serviceCredential.existingSecret\`) ` +
        'is read by auth and face when they start. Replace it, then restart both; later upgrades keep the new value:',
      {
        id: 'token-rotate',
        kind: 'kubectl-dry-run',
        text: (c) =>
          `kubectl -n ${c.namespace} create secret generic ${c.names.credentialsSecret} --from-literal=${secretKeys.faceServiceToken}="$(openssl rand -hex 24)" --dry-run=client -o yaml | kubectl apply -f -`,
      },
      {
        id: 'token-restart',
        kind: 'cluster',
        text: (c) => `kubectl -n ${c.namespace} rollout restart deployment/${c.names.authDeployment} deployment/${c.names.faceDeployment}`,
      },
      ifBundled(
        (c) =>
          'The MongoDB root password lives in two places: inside MongoDB (set once, when the volume was first initialised) and in ' +
          `\`${c.names.mongodbSecret}\` (\`${secretKeys.mongodbRootPassword}\`, and inside the connection string \`${secretKeys.mongodbUri}\` that auth and face use). ` +
          'Changing only the Secret locks the services out, so change it inside MongoDB first (with the current password in `$MONGODB_PASSWORD`, as above), then the Secret, then restart:',
      ),
      { id: 'mongodb-new-password', kind: 'shell', when: bundledMongodb, text: () => 'NEW_PASSWORD=$(openssl rand -hex 16)' },
      {
        id: 'mongodb-change-password',
        kind: 'cluster',
        when: bundledMongodb,
        text: (c) =>
          `${exec(c)} mongosh --quiet ${mongoAuth(c)} --eval "db.getSiblingDB('admin').changeUserPassword('${MONGODB_ROOT_USER}', '$NEW_PASSWORD')"`,
      },
      {
        id: 'mongodb-rotate-secret',
        kind: 'kubectl-dry-run',
        when: bundledMongodb,
        text: (c) =>
          `kubectl -n ${c.namespace} create secret generic ${c.names.mongodbSecret} --from-literal=${secretKeys.mongodbRootPassword}="$NEW_PASSWORD" ` +
          `--from-literal=${secretKeys.mongodbUri}="mongodb://${MONGODB_ROOT_USER}:$NEW_PASSWORD@${c.names.mongodbHost}:${MONGODB_PORT}/kubevision?authSource=admin" ` +
          '--dry-run=client -o yaml | kubectl apply -f -',
      },
      {
        id: 'mongodb-restart',
        kind: 'cluster',
        when: bundledMongodb,
        text: (c) =>
          `kubectl -n ${c.namespace} rollout restart deployment/${c.names.authDeployment} deployment/${c.names.faceDeployment} statefulset/${c.names.mongodbStatefulSet}`,
      },
      (c) =>
        bundledMongodb(c)
          ? 'With `mongodb.auth.existingSecret`, update that Secret the same way.'
          : "The external MongoDB's credentials are the plant's: change the password on the server, then the connection string in the Secret " +
            '`mongodb.external.existingSecret` names, then restart auth and face as above.',
    ],
  },
  {
    title: () => 'The plant administrator',
    blocks: [
      () =>
        "The dashboard's *Administration* page (`/admin`) is for the plant's administrators: find an account, see why it cannot log in " +
        '(throttled after wrong passwords, face checks or recovery codes) and unlock it, hand over a one-time password reset code ' +
        '(there is no mail server; the code works once, for 24 hours), erase face data or a whole account, and read the audit trail, ' +
        'filtered. Every action is in the audit trail with who did it, and nothing can change or delete it. Administration needs a login ' +
        'at most 15 minutes old with the second factor (face or a recovery code).',
      (c) =>
        `The first administrator is made with the setup code the chart generates once and keeps in the Secret \`${c.names.adminSecret}\` ` +
        '(it survives upgrades and uninstalls). Read it, then: register in the dashboard, set up face login, log out, log in again with ' +
        'the face, open `/admin` and enter the code. It works only while the plant has no administrator; further ones are made on the ' +
        'Administration page.',
      {
        id: 'admin-setup-code',
        kind: 'cluster',
        text: (c) => `kubectl -n ${c.namespace} get secret ${c.names.adminSecret} -o jsonpath='{.data.${secretKeys.adminBootstrapToken}}' | base64 -d`,
      },
    ],
  },
  {
    title: () => "Deleting a user's biometric data",
    blocks: [
      () =>
        'A user deletes their own account in the dashboard (*Profile > Delete account*, which calls auth\'s `DELETE /api/me`): ' +
        'auth erases their face templates through the face service first, then the account, sessions, devices and recovery codes. ' +
        'If the face service is down nothing is deleted and the user can retry. The audit trail records the deletion (`account.delete`) ' +
        'and keeps no biometric data.',
      () =>
        "For someone who cannot log in (a GDPR request, a person who left), an administrator erases it on the *Administration* page: " +
        "find the account, then *Erase face data* (face login off, the templates deleted in the face service, the account's sessions ended; " +
        'audited as `admin.face_erase` with the number of templates erased) or *Delete account* (everything but the audit trail; ' +
        '`admin.account_delete`). If the face service is down, nothing is changed and the page says to retry. The same calls are ' +
        "auth's `DELETE /api/admin/users/<id>/face` and `DELETE /api/admin/users/<id>` (apps/auth/API.md).",
    ],
  },
];

/** Every command declared, whether or not a chart renders it. */
export const ALL_COMMANDS: Command[] = OPERATIONS.flatMap((s) => s.blocks.filter(isCommand));

/** The commands a chart's README shows. */
export const commandsFor = (c: OpsContext): Command[] => ALL_COMMANDS.filter((cmd) => !cmd.when || cmd.when(c));

export const OPERATIONS_HEADING = '## Operations';

/** The operations part of a chart README: `## Operations` and a `###` per section. */
export function renderOperations(c: OpsContext): string {
  const out: string[] = [
    OPERATIONS_HEADING,
    '',
    `The commands assume the release \`${c.release}\` in the namespace \`${c.namespace}\` (what Rancher proposes) and the repository name \`${c.repo}\`.`,
  ];
  for (const section of OPERATIONS) {
    out.push('', `### ${section.title(c)}`);
    for (const b of section.blocks) {
      if (isCommand(b)) {
        if (b.when && !b.when(c)) continue;
        out.push('', `\`\`\`${b.kind === 'manifest' ? 'yaml' : 'sh'}`, b.text(c), '```');
      } else {
        const text = b(c);
        if (text) out.push('', text);
      }
    }
  }
  return out.join('\n');
}
