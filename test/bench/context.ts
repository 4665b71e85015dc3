import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** One line of the result table. */
export interface Row {
  what: string;
  /** Plants (or other size parameter); null when it does not apply. */
  n: number | null;
  samples: number[];
  /** The median this row is compared with (the floor), if any. */
  floorMedian?: number | null;
  /** Label of what the ratio compares with, printed in the notes. */
  ratioNote?: string;
  /** Per-run ratios against a floor run made right after (build r / floor r), if any. */
  pairedRatios?: number[];
  /** The goal, as text; only printed, never checked. */
  target?: string;
}

export interface BenchContext {
  /** A fresh temporary folder, removed when the run ends. */
  tmpDir(label: string): string;
  /** Removes a folder made by tmpDir now (e.g. large build outputs between runs). */
  removeTmp(dir: string): void;
  /** Progress for the reader, on stderr (the table goes to stdout). */
  log(msg: string): void;
  /** Free-form notes printed under the table. */
  note(msg: string): void;
}

/** A benchmark module: one service or area, returning its rows. */
export interface Benchmark {
  name: string;
  run(ctx: BenchContext): Promise<Row[]>;
}

/** Where the temporary folders go: BENCH_TMPDIR, else the OS default (TMPDIR, /tmp). */
export const benchTmpBase = (): string => process.env.BENCH_TMPDIR || tmpdir();

export class TempDirs {
  private readonly dirs = new Set<string>();

  make(label: string): string {
    const dir = mkdtempSync(path.join(benchTmpBase(), `kubevision-bench-${label}-`));
    this.dirs.add(dir);
    return dir;
  }

  remove(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
    this.dirs.delete(dir);
  }

  removeAll(): void {
    for (const dir of [...this.dirs]) this.remove(dir);
  }
}
