import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function files(dir: string, skip: (rel: string) => boolean, sub = ''): string[] {
  return readdirSync(path.join(dir, sub), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(sub, e.name);
    if (skip(rel)) return [];
    return e.isDirectory() ? files(dir, skip, rel) : [rel];
  });
}

/** Whether two folders hold the same files with the same bytes (skipped paths aside). */
export function sameTree(a: string, b: string, skip: (rel: string) => boolean = () => false): boolean {
  if (!existsSync(b)) return false;
  const fa = files(a, skip).sort();
  const fb = files(b, skip).sort();
  if (fa.length !== fb.length || fa.some((f, i) => f !== fb[i])) return false;
  return fa.every((f) => {
    const pa = path.join(a, f);
    const pb = path.join(b, f);
    return statSync(pa).size === statSync(pb).size && readFileSync(pa).equals(readFileSync(pb));
  });
}
