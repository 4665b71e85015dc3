import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onPath } from './images.ts';

/** Where the image tools keep what they make once per machine (containers.conf, the offline base). */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.KUBEVISION_CACHE ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'kubevision');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface ContainersConf {
  file: string;
  /** What it sets, in words, for the log. */
  summary: string;
}

/** The hard limit of a resource, as `ulimit -H<flag>` prints it (a number or "unlimited"). */
function hardLimit(flag: 'n' | 'u'): number | undefined {
  const r = spawnSync('bash', ['-c', `ulimit -H${flag}`], { encoding: 'utf8' });
  const n = Number(r.stdout.trim());
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function pidMax(): number | undefined {
  try {
    return Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The settings podman and buildah need on machines like ours, written once per machine.
 * podman's default ulimits for a rootful container (nofile and nproc 1048576) are above
 * what such a machine allows, and runc refuses every container and RUN step with "error
 * setting rlimits ... operation not permitted"; measured here, nproc is refused above
 * kernel.pid_max even under the hard limit. crun, the other default runtime, fails on a
 * cgroup v1/v2 hybrid ("cgroups in hybrid mode not supported"); runc runs.
 * Nothing is written when the operator names their own file with CONTAINERS_CONF.
 */
export function containersConf(env: NodeJS.ProcessEnv = process.env): ContainersConf | undefined {
  if (env.CONTAINERS_CONF) return undefined;
  const nofile = hardLimit('n');
  const nproc = Math.min(...[hardLimit('u'), pidMax()].filter((n): n is number => n !== undefined));
  const ulimits = [nofile && `nofile=${nofile}:${nofile}`, Number.isFinite(nproc) && `nproc=${nproc}:${nproc}`].filter(Boolean) as string[];
  const runc = onPath('runc', env.PATH);
  const lines = [
    '# Written by `npm run images` (src/images/containers-conf.ts); CONTAINERS_CONF=<your file> replaces it.',
    '[containers]',
    `default_ulimits = [${ulimits.map((u) => JSON.stringify(u)).join(', ')}]`,
    ...(runc ? ['', '[engine]', 'runtime = "runc"'] : []),
    '',
  ];
  const file = path.join(cacheDir(env), 'containers.conf');
  writeFileSync(file, lines.join('\n'));
  return { file, summary: [...(runc ? ['runtime runc'] : []), ...ulimits].join(', ') };
}
