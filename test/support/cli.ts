import { execFile } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from './paths.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the kubevision bin as a user does. */
export function kubevision(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(PROJECT_ROOT, 'src/cli/bin.mjs'), ...args], { cwd: PROJECT_ROOT }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
    });
  });
}
