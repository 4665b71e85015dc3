import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, expect, it } from 'vitest';
import { APP_UID, HTTP_PORT, MANAGEMENT_PORT } from '../../apps/shared/contract.ts';
import { plantChartDir, template } from '../support/plants.ts';
import { tempDirs } from '../support/temp.ts';
import { podSpec } from './pod.ts';
import { podman, podmanOk, waitFor } from './podman.ts';

const temp = tempDirs();
let played: string | undefined;
afterAll(async () => {
  if (played) await podman(['kube', 'down', played]);
});

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer().once('error', () => resolve(false)).listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });

const MI = 1024 * 1024;

/**
 * The chart's dashboard Deployment as the chart renders it, handed to `podman kube play`
 * unchanged: podman's own reading of a Kubernetes Deployment (user, read-only root,
 * capabilities, memory limit, env), not ours (stack.test.ts translates pods field by field).
 * Two settings make it fit one host: global.imageRegistry=localhost (podman keeps the images
 * it built under localhost/) and one replica, because podman 4.3 publishes every
 * containerPort of every pod on the host, where a second replica's ports collide.
 * podman 4.3 turns the liveness probe into `curl -f http://localhost:0/healthz` inside the
 * container (it does not resolve the named port `management`, and the image has no curl),
 * so the probes are checked from the host here, as in stack.test.ts.
 */
it('podman kube play runs the rendered dashboard Deployment as the chart says, and kube down removes it', { timeout: 180_000 }, async () => {
  for (const port of [HTTP_PORT, MANAGEMENT_PORT]) expect(await portFree(port), `host port ${port} is taken: podman kube play publishes the pod's ports there`).toBe(true);
  const objs = await template(plantChartDir('porto-logistics'), ['--set', 'global.imageRegistry=localhost', '--set', 'frontend.replicaCount=1']);
  const deployment = objs.find((o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/component'] === 'frontend')!;
  expect(deployment, 'the dashboard Deployment').toBeDefined();
  const [spec] = podSpec(deployment).containers;
  played = path.join(temp('kube-play'), 'dashboard.yaml');
  writeFileSync(played, YAML.stringify(deployment));

  await podmanOk(['kube', 'play', played], { timeoutMs: 120_000 });
  const name = `${deployment.metadata.name}-pod-0-${spec!.name}`;
  await waitFor(`${name} /healthz`, 60_000, async () => ((await fetch(`http://127.0.0.1:${MANAGEMENT_PORT}/healthz`).catch(() => undefined))?.ok ? true : undefined));
  // Alone, without the auth service its AUTH_SERVICE_URL names: alive, serving its files, not ready.
  const ready = await fetch(`http://127.0.0.1:${MANAGEMENT_PORT}/readyz`);
  expect([ready.status, ((await ready.json()) as { checks: Record<string, string> }).checks]).toEqual([503, { auth: 'unreachable', assets: 'ok' }]);
  const page = await (await fetch(`http://127.0.0.1:${HTTP_PORT}/`)).text();
  // The plant's name reaches the page through the env the chart sets (DASHBOARD_PLANT_NAME).
  expect(page).toContain('Porto Logistics Hub');

  const [c] = JSON.parse(await podmanOk(['inspect', name])) as { Config: { User: string }; HostConfig: { ReadonlyRootfs: boolean; CapAdd: string[] | null; CapDrop: string[]; Memory: number; SecurityOpt: string[] } }[];
  expect(c!.Config.User).toBe(`${APP_UID}:${APP_UID}`);
  expect(c!.HostConfig.ReadonlyRootfs).toBe(true);
  expect(c!.HostConfig.CapAdd ?? []).toEqual([]);
  expect(c!.HostConfig.CapDrop.length).toBeGreaterThan(0);
  expect(c!.HostConfig.SecurityOpt).toContain('no-new-privileges');
  const limit = /^(\d+)Mi$/.exec(spec!.resources?.limits?.memory ?? '');
  expect(limit, 'a memory limit in Mi').not.toBeNull();
  expect(c!.HostConfig.Memory).toBe(Number(limit![1]) * MI);
  // No process in it may write the root filesystem.
  const write = await podman(['exec', name, 'sh', '-c', 'touch /app-write-test']);
  expect(write.code).not.toBe(0);

  await podmanOk(['kube', 'down', played]);
  played = undefined;
  expect((await podman(['container', 'exists', name])).code, `${name} after kube down`).toBe(1);
});
