import { execFile } from 'node:child_process';
import { helmBinary, type HelmMajor } from './binary.ts';

export interface HelmResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface HelmOptions {
  major?: HelmMajor;
  cwd?: string;
  /** Isolates helm's repository config and cache (tests, the catalog end-to-end check). */
  env?: NodeJS.ProcessEnv;
}

/** Runs helm and resolves with its output whatever the exit code: callers decide. */
export function helm(args: string[], opts: HelmOptions = {}): Promise<HelmResult> {
  const bin = helmBinary(opts.major ?? 3);
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      args,
      { cwd: opts.cwd, env: { ...process.env, ...opts.env }, maxBuffer: 256 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve({ stdout, stderr, code: err ? Number(err.code) : 0 });
      },
    );
  });
}

/** Runs helm and throws with its stderr when it fails. */
export async function helmOk(args: string[], opts: HelmOptions = {}): Promise<string> {
  const r = await helm(args, opts);
  if (r.code !== 0) {
    throw new Error(`helm ${args[0]} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  }
  return r.stdout;
}
