import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Files of a folder tree, by path inside it. */
export type Tree = Map<string, string | Buffer>;

/** Makes each parent folder once per tree: a build writes thousands of files. */
function folders(): (file: string) => void {
  const made = new Set<string>();
  return (file) => {
    const dir = path.dirname(file);
    if (made.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  };
}

export function writeTree(dir: string, files: Tree): void {
  const parent = folders();
  for (const [rel, data] of files) {
    const file = path.join(dir, rel);
    parent(file);
    writeFileSync(file, data);
  }
}

/** The same files again elsewhere, as hard links (default: every file below `from`). */
export function linkTree(from: string, to: string, files: Iterable<string> = filesBelow(from)): void {
  const parent = folders();
  for (const rel of files) {
    const target = path.join(to, rel);
    parent(target);
    linkSync(path.join(from, rel), target);
  }
}

/** `data` at `target`, as a link to `source` when that already holds exactly these bytes. */
export function linkOrWrite(source: string, target: string, data: Buffer): void {
  mkdirSync(path.dirname(target), { recursive: true });
  if (existsSync(source) && readFileSync(source).equals(data)) linkSync(source, target);
  else writeFileSync(target, data);
}

/** Every file below `dir`, by its path relative to it. */
export function readTree(dir: string): Map<string, Buffer> {
  return new Map(filesBelow(dir).map((f) => [f, readFileSync(path.join(dir, f))]));
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}
