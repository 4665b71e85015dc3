import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const JS = path.resolve(import.meta.dirname, '../public/js');

describe('the dashboard code that runs in the browser', () => {
  it('type-checks (checkJs, strict, DOM types) from its JSDoc', { timeout: 120_000 }, () => {
    const tsc = path.join(ROOT, 'node_modules/.bin/tsc');
    let out = '';
    try {
      out = execFileSync(tsc, ['-p', 'apps/frontend/tsconfig.browser.json'], { cwd: ROOT, encoding: 'utf8' });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(out.trim()).toBe('');
  });

  it('puts text in the page only as text (no innerHTML, no eval), and calls only its own origin', () => {
    for (const f of readdirSync(JS)) {
      const src = readFileSync(path.join(JS, f), 'utf8');
      expect(src, f).not.toMatch(/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(/);
      expect(src, f).not.toMatch(/https?:\/\//);
    }
  });
});
