import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubevision } from '../support/cli.ts';
import { parseSiteText, siteJson, siteText } from '../support/site.ts';
import { tempDirs } from '../support/temp.ts';

const tempDir = tempDirs();
/** The text with its wrapped lines joined again. */
const flat = (text: string) => text.replace(/\n\s+(?=\S)/g, ' ');
const line = (text: string, start: string) => text.split('\n').map((l) => l.trim()).find((l) => l.startsWith(start));

describe('kubevision site: what to run on a node', () => {
  it('Linz on-premise GPU node: k3s agent line, kubectl, Rancher registration, the face service, NVIDIA prerequisites', async () => {
    const text = await siteText(['linz-assembly', 'onprem', '--gpu']);
    expect(line(text, 'curl -sfL')).toBe(
      'curl -sfL https://get.k3s.io | INSTALL_K3S_EXEC="agent --node-label kubevision.io/site=onprem --node-label nvidia.com/gpu.present=true ' +
        '--node-label topology.kubernetes.io/zone=onprem --node-taint kubevision.io/site=onprem:NoSchedule --node-taint nvidia.com/gpu:NoSchedule" ' +
        'K3S_URL=https://<k3s-server>:6443 K3S_TOKEN=<k3s-token> sh -',
    );
    expect(line(text, 'kubectl label')).toBe('kubectl label node <node> kubevision.io/site=onprem nvidia.com/gpu.present=true topology.kubernetes.io/zone=onprem --overwrite');
    expect(text).toContain('kubectl taint node <node> kubevision.io/site=onprem:NoSchedule --overwrite');
    expect(text).toContain('kubectl taint node <node> nvidia.com/gpu:NoSchedule --overwrite');
    expect(line(text, 'curl --insecure')).toBe(
      'curl --insecure -fL https://<rancher-server>/system-agent-install.sh | sudo sh -s - --server https://<rancher-server> ' +
        '--label kubevision.io/site=onprem --label nvidia.com/gpu.present=true --label topology.kubernetes.io/zone=onprem ' +
        '--taint kubevision.io/site=onprem:NoSchedule --taint nvidia.com/gpu:NoSchedule --token <registration-token> --worker',
    );
    expect(parseSiteText(text).runs).toEqual(['face']);
    expect(text).toMatch(/^ {2}face\s+1x nvidia\.com\/gpu, runtime nvidia$/m);
    expect(text).toMatch(/^ {2}mongodb\s+does not tolerate nvidia\.com\/gpu:NoSchedule$/m);
    expect(text).toMatch(/^ {2}frontend\s+placed on cloud nodes$/m);
    expect(text).toContain('GPU prerequisites:');
    expect(text).toContain('NVIDIA device plugin');
    expect(text).toContain('RuntimeClass "nvidia"');
    // The device plugin has to run on the tainted node too.
    expect(flat(text)).toMatch(/device plugin.*must tolerate every taint of the node \(kubevision\.io\/site=onprem:NoSchedule, nvidia\.com\/gpu:NoSchedule\)/);
    // Explanations wrap at 100 columns; only the commands, copied whole, are longer.
    for (const l of text.split('\n')) if (!/^\s*(curl|kubectl) /.test(l)) expect(l.length, l).toBeLessThanOrEqual(100);
    expect(text).toMatch(/^ {6}kubectl apply -f - <<< '\{"apiVersion":"node\.k8s\.io\/v1","kind":"RuntimeClass".*'$/m);
  });

  it('a node without GPU: no GPU label, taint or prerequisites', async () => {
    const text = await siteText(['linz-assembly', 'onprem']);
    expect(text).not.toContain('nvidia');
    expect(parseSiteText(text).runs).toEqual(['mongodb']);
    expect(text).toMatch(/^ {2}face\s+placed on on-premise GPU nodes$/m);
  });

  it('an untainted cloud site gets a label only', async () => {
    const r = parseSiteText(await siteText(['porto-logistics', 'cloud']));
    // The zone makes Services prefer endpoints on the caller's site (sites.cloud.zone).
    expect(r.k3sExec).toBe('agent --node-label kubevision.io/site=cloud --node-label topology.kubernetes.io/zone=cloud');
    expect(r.kubectl.taints).toEqual([]);
    expect(r.runs.sort()).toEqual(['auth', 'face', 'frontend']);
  });

  it('--role server: a k3s server line (no K3S_URL) and every Rancher role', async () => {
    const text = await siteText(['stuttgart-body-shop', 'onprem', '--role', 'server']);
    expect(line(text, 'curl -sfL')).toBe(
      'curl -sfL https://get.k3s.io | INSTALL_K3S_EXEC="server --node-label kubevision.io/site=onprem --node-label topology.kubernetes.io/zone=onprem --node-taint kubevision.io/site=onprem:NoSchedule" K3S_TOKEN=<k3s-token> sh -',
    );
    expect(line(text, 'curl --insecure')).toMatch(/--token <registration-token> --etcd --controlplane --worker$/);
  });

  it('a link outage: where the k3s servers must run for the site to work on its own, and what its pods do', async () => {
    const linz = await siteJson(['linz-assembly', 'onprem']);
    expect(linz.outage).toMatchObject({ keepPods: true, autonomous: false });
    expect(linz.outage.advice.join('\n')).toContain('For this site to work on its own: its servers here (kubevision site linz-assembly onprem --role server) and sites.onprem.autonomous: true.');
    const stuttgart = flat(await siteText(['stuttgart-body-shop', 'onprem']));
    expect(stuttgart).toContain('This site works on its own (sites.onprem.autonomous): run the cluster\'s k3s servers on on-premise nodes');
    expect(stuttgart).toContain('never split them across the WAN');
    const cloud = await siteJson(['linz-assembly', 'cloud']);
    expect(cloud.outage.keepPods).toBe(false);
    expect(cloud.outage.advice.at(-1)).toBe('Pods here are evicted 300 s after their node stops reporting (sites.cloud.outage.keepPods is false).');
  });

  it('an autonomous site of a hybrid plant is told to keep the Ingress controller too, until the plant declares it there', async () => {
    const dir = tempDir('kv-site-ingress-');
    const plant = (controller: string) =>
      `plant:\n  displayName: Hall Nine\nvalues:\n  sites:\n    onprem:\n      autonomous: true\n  frontend:\n    placement: onprem\n  auth:\n    placement: onprem\n  mongodb:\n    placement: onprem\n  ingress:\n    controllerSite: ${controller}\n`;
    writeFileSync(path.join(dir, 'hall-nine.yaml'), plant('unknown'));
    const advice = async () => (await siteJson(['hall-nine', 'onprem', '--values', dir])).outage.advice.join('\n');
    expect(await advice()).toContain("Users reach the dashboard through the cluster's Ingress controller: run it on these nodes too");
    writeFileSync(path.join(dir, 'hall-nine.yaml'), plant('onprem'));
    expect(await advice()).not.toContain('Ingress controller');
  });

  it('--json gives the same node and commands as the text', async () => {
    const args = ['linz-assembly', 'onprem', '--gpu'];
    const [json, text] = await Promise.all([siteJson(args), siteText(args)]);
    expect(json).toMatchObject({ plant: { id: 'linz-assembly' }, site: 'onprem', gpu: true, role: 'agent' });
    expect(json.labels).toEqual({ 'kubevision.io/site': 'onprem', 'nvidia.com/gpu.present': 'true', 'topology.kubernetes.io/zone': 'onprem' });
    expect(json.taints).toEqual([
      { key: 'kubevision.io/site', value: 'onprem', effect: 'NoSchedule' },
      { key: 'nvidia.com/gpu', value: '', effect: 'NoSchedule' },
    ]);
    expect(text).toContain(json.k3s.install);
    expect(text).toContain(json.rancher.registration);
    for (const k of json.kubectl) expect(text).toContain(k);
    expect(json.k3s.config).toEqual({
      'node-label': ['kubevision.io/site=onprem', 'nvidia.com/gpu.present=true', 'topology.kubernetes.io/zone=onprem'],
      'node-taint': ['kubevision.io/site=onprem:NoSchedule', 'nvidia.com/gpu:NoSchedule'],
    });
    expect(json.workloads.find((w) => w.component === 'face')).toEqual({
      component: 'face',
      runs: true,
      gpus: { resource: 'nvidia.com/gpu', count: 1, runtimeClassName: 'nvidia' },
    });
    expect(json.gpuPrerequisites).toMatchObject({ resourceName: 'nvidia.com/gpu', runtimeClassName: 'nvidia' });
    expect(json.warnings).toEqual([]);
  });

  it('warns when a label key is one the kubelet may not set on itself', async () => {
    const dir = tempDir('site-values');
    writeFileSync(
      path.join(dir, 'roles.yaml'),
      'plant:\n  displayName: Roles\nvalues:\n  sites:\n    onprem:\n      nodeLabel: { key: node-role.kubernetes.io/edge, value: "true" }\n',
    );
    const json = await siteJson(['roles', 'onprem', '--values', dir]);
    expect(json.warnings).toHaveLength(1);
    expect(json.warnings[0]).toContain('node-role.kubernetes.io/edge');
    expect(await siteText(['roles', 'onprem', '--values', dir])).toContain('WARNING: label node-role.kubernetes.io/edge');
  });
});

describe('kubevision site: wrong requests name the problem and exit 1', () => {
  it.each([
    [['atlantis', 'onprem'], /unknown plant "atlantis": there is no .*atlantis\.yaml \(plants: linz-assembly, porto-logistics, stuttgart-body-shop\)/],
    [['linz-assembly', 'edge'], /unknown site "edge": a plant's sites are onprem and cloud/],
    [['stuttgart-body-shop', 'cloud'], /plant stuttgart-body-shop has no cloud site: sites\.cloud\.enabled is false in values\/stuttgart-body-shop\.yaml/],
    [['porto-logistics', 'onprem'], /plant porto-logistics has no on-premise site: sites\.onprem\.enabled is false in values\/porto-logistics\.yaml/],
    [['linz-assembly', 'cloud', '--gpu'], /plant linz-assembly declares no GPU nodes at its cloud site: sites\.cloud\.gpu\.enabled is false \(the default/],
    [['stuttgart-body-shop', 'onprem', '--gpu'], /plant stuttgart-body-shop declares no GPU nodes at its on-premise site/],
    [['porto-logistics', 'cloud', '--gpu', '--json'], /plant porto-logistics declares no GPU nodes at its cloud site/],
    [['linz-assembly', 'onprem', '--role', 'master'], /unknown k3s role "master": --role must be agent or server/],
  ])('site %j', async (args, message) => {
    const r = await kubevision(['site', ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('a missing site is a usage error (exit 2)', async () => {
    const r = await kubevision(['site', 'linz-assembly']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('site takes a plant and a site');
  });
});
