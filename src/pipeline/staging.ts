import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * Builds go to a staging folder beside the outputs and are moved into place only when
 * everything succeeded, so a failed build leaves charts/ and catalog/ as they were.
 */
export class Staging {
  readonly dir: string;

  constructor(readonly projectRoot: string) {
    this.dir = path.join(projectRoot, `.kubevision-tmp-${process.pid}-${Date.now().toString(36)}`);
    mkdirSync(this.dir, { recursive: true });
  }

  path(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }

  /** Replace each project path by its staged twin; renames within one filesystem. */
  publish(rels: string[]): void {
    const trash = this.path('.replaced');
    mkdirSync(trash, { recursive: true });
    rels.forEach((rel, i) => {
      const target = path.join(this.projectRoot, rel);
      mkdirSync(path.dirname(target), { recursive: true });
      if (existsSync(target)) renameSync(target, path.join(trash, String(i)));
      renameSync(this.path(rel), target);
    });
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
