import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { privateDir } from '../../shared/store/sql-clients.ts';

const MAIN = path.resolve(import.meta.dirname, '../main.mjs');
const mode = (p: string) => statSync(p).mode & 0o777;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'kv-start-'));
  dirs.push(d);
  return d;
};

describe('npm start, as a person at the terminal meets it', () => {
  it('says what it is doing while the models load, then the URL; ./data and each database in it are private to the owner', { timeout: 180_000 }, async () => {
    const cwd = temp();
    const child = spawn(process.execPath, [MAIN], { cwd, env: { ...process.env, PORT: '0', LOG_LEVEL: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const lines: { at: number; text: string }[] = [];
    const started = Date.now();
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          for (const l of d.toString().split('\n').filter(Boolean)) lines.push({ at: Date.now() - started, text: l });
          if (out.includes('KubeVision is running: http://')) resolve();
        });
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${out}`)));
      });
    } finally {
      const exited = child.exitCode === null ? new Promise((r) => child.once('exit', r)) : Promise.resolve();
      child.kill('SIGTERM');
      await exited;
    }
    const texts = lines.map((l) => l.text.trim());
    expect(texts[0]).toBe('KubeVision: starting face, auth and the dashboard on this machine');
    expect(texts.findIndex((t) => t.startsWith('face service: loading the face models'))).toBeGreaterThan(0);
    expect(texts.findIndex((t) => t.startsWith('auth service:'))).toBeGreaterThan(texts.findIndex((t) => t.startsWith('face service:')));
    expect(texts.some((t) => /^ready in \d+ s$/.test(t))).toBe(true);
    // The first word comes at once, not after the models (they take tens of seconds).
    expect(lines[0]!.at).toBeLessThan(lines.find((l) => l.text.includes('KubeVision is running'))!.at);
    // The root at start; auth opens its database at start, face at first use (through the same privateDir).
    for (const d of ['data', 'data/auth']) expect(mode(path.join(cwd, d)), d).toBe(0o700);
  });

  it('a data folder left open by an earlier version is closed to others', () => {
    const dir = path.join(temp(), 'data');
    mkdirSync(dir, { mode: 0o777 });
    privateDir(dir);
    expect(mode(dir)).toBe(0o700);
    privateDir(path.join(dir, 'new', 'face'));
    expect(mode(path.join(dir, 'new'))).toBe(0o700);
    expect(mode(path.join(dir, 'new', 'face'))).toBe(0o700);
  });
});
