import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { OUTPUT_DIR, PROJECT_ROOT } from '../support/paths.ts';
import { ensurePodman } from './podman.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** How `npm run images -- --base offline` went: seconds, and whether the base was cached. */
    imageBuild: { seconds: number; base: string; log: string };
  }
}

/**
 * Builds every CPU image once, exactly as a user does on a machine that reaches no
 * container registry: `npm run images -- --base offline --builder podman`. Its output
 * goes to test/output/containers/images-build.log.
 */
export default async function setup(project: TestProject): Promise<void> {
  ensurePodman();
  const dir = path.join(OUTPUT_DIR, 'containers');
  mkdirSync(dir, { recursive: true });
  const log = path.join(dir, 'images-build.log');
  const out = createWriteStream(log);
  const start = performance.now();
  let text = '';
  const code = await new Promise<number>((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'images', '--', '--base', 'offline', '--builder', 'podman'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const s of [child.stdout, child.stderr]) {
      s.on('data', (d: Buffer) => {
        out.write(d);
        text += d.toString();
      });
    }
    child.on('exit', (c) => resolve(c ?? 1));
  });
  out.end();
  if (code !== 0) throw new Error(`npm run images -- --base offline failed (exit ${code}); see ${log}:\n${text.slice(-3000)}`);
  const seconds = (performance.now() - start) / 1000;
  const base = /^# the offline base \S+ \((.+)\)$/m.exec(text)?.[1] ?? 'unknown';
  console.log(`npm run images -- --base offline: ${seconds.toFixed(0)} s (base: ${base})`);
  project.provide('imageBuild', { seconds, base, log });
}
