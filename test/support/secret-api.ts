import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * The part of a Kubernetes API server that `helm template --dry-run=server` talks to, so the
 * charts' `lookup` calls (kept Secrets, their checksums) run in real Helm. No API server can
 * run on these machines (../shared/docs/environment.md, "Kubernetes checks without a
 * cluster"), so this serves what Helm asks, as measured with Helm 3.18 and 4.1:
 * discovery (/version, /api, /api/v1, /apis and each group version, which Helm's REST
 * mapper reads), GET of one Secret, and 404 Status for everything else (Helm 4 asks for
 * each object it would create, to check it is not owned by someone else; its OpenAPI
 * download is turned off with --disable-openapi-validation). Responses have the shapes of
 * k8s.io/apimachinery: APIResourceList, APIGroupList, Status.
 */
export interface SecretApi {
  /** The Secrets of the namespace, by name: key -> base64 value, as the API returns them. */
  secrets: Map<string, Record<string, string>>;
  /** A kubeconfig that points helm here, with `namespace` as its default. */
  kubeconfig: string;
  /** Secrets helm read, in order (`name`). */
  reads: string[];
  close(): Promise<void>;
}

const GROUPS: Record<string, string[]> = {
  v1: ['secrets:Secret', 'services:Service', 'serviceaccounts:ServiceAccount', 'configmaps:ConfigMap'],
  'apps/v1': ['deployments:Deployment', 'statefulsets:StatefulSet'],
  'networking.k8s.io/v1': ['ingresses:Ingress', 'networkpolicies:NetworkPolicy'],
  'policy/v1': ['poddisruptionbudgets:PodDisruptionBudget'],
  'autoscaling/v2': ['horizontalpodautoscalers:HorizontalPodAutoscaler'],
};

const resourceList = (groupVersion: string) => ({
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion,
  resources: GROUPS[groupVersion]!.map((r) => {
    const [name, kind] = r.split(':') as [string, string];
    return { name, singularName: kind.toLowerCase(), namespaced: true, kind, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] };
  }),
});

export async function startSecretApi(dir: string, o: { namespace: string; release: string }): Promise<SecretApi> {
  const secrets = new Map<string, Record<string, string>>();
  const reads: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://api');
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const p = url.pathname;
    if (p === '/version') return send(200, { major: '1', minor: '31', gitVersion: 'v1.31.0', platform: 'linux/amd64' });
    if (p === '/api') return send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (p === '/api/v1') return send(200, resourceList('v1'));
    if (p === '/apis') {
      const groups = Object.keys(GROUPS).filter((gv) => gv.includes('/')).map((groupVersion) => {
        const [name, version] = groupVersion.split('/') as [string, string];
        return { name, versions: [{ groupVersion, version }], preferredVersion: { groupVersion, version } };
      });
      return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
    }
    const gv = p.startsWith('/apis/') ? p.slice('/apis/'.length) : undefined;
    if (gv && GROUPS[gv]) return send(200, resourceList(gv));
    const secret = new RegExp(`^/api/v1/namespaces/${o.namespace}/secrets/([^/]+)$`).exec(p);
    if (req.method === 'GET' && secret) {
      const name = decodeURIComponent(secret[1]!);
      reads.push(name);
      const data = secrets.get(name);
      // Owned by the release, as a Secret the chart made is: Helm 4 refuses to adopt others.
      if (data) {
        return send(200, {
          kind: 'Secret',
          apiVersion: 'v1',
          metadata: { name, namespace: o.namespace, labels: { 'app.kubernetes.io/managed-by': 'Helm' }, annotations: { 'meta.helm.sh/release-name': o.release, 'meta.helm.sh/release-namespace': o.namespace } },
          type: 'Opaque',
          data,
        });
      }
    }
    if (req.method === 'GET' && p.endsWith('/secrets')) return send(200, { kind: 'SecretList', apiVersion: 'v1', metadata: {}, items: [] });
    send(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: `${p} not found` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: stand-in, cluster: {server: "http://127.0.0.1:${port}"}}]`,
      'users: [{name: test, user: {token: test}}]',
      `contexts: [{name: test, context: {cluster: stand-in, user: test, namespace: ${o.namespace}}}]`,
      'current-context: test',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return {
    secrets,
    kubeconfig,
    reads,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
