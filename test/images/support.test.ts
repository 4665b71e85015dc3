/** The helpers of support.ts that the Dockerfile checks (dockerfiles.test.ts) rely on. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../support/temp.ts';
import { appFolders, dockerignore, importClosure } from './support.ts';

const tempDir = tempDirs();

describe('the import closure the copy checks rely on', () => {
  it('follows what runs and skips what tsx erases or never loads', () => {
    const root = tempDir('closure');
    const put = (rel: string, text: string) => {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    };
    put('apps/auth/main.mjs', "import { register } from 'tsx/esm/api';\nregister();\nawait import('./src/main.ts');\n");
    put(
      'apps/auth/src/main.ts',
      [
        "import type { T } from '../../types-only/t.ts';",
        "import { type U } from '../../types-only/u.ts';",
        "import { x } from '../../face/src/x.ts';",
        "export { y } from '../../shared/y.ts';",
        "import express from 'express';",
        "import { readFileSync } from 'node:fs';",
        "import { createRequire } from 'node:module';",
        'const require = createRequire(import.meta.url);',
        "require.resolve('@scope/css/dist/a.css');",
        "const words = readFileSync(new URL('./words.txt', import.meta.url), 'utf8');",
        "// import('./not-loaded.js') in a comment",
        "const w = new Worker(new URL('./worker.mjs', import.meta.url));",
        'export const z = [x, express, words, w];',
      ].join('\n'),
    );
    put('apps/auth/src/words.txt', 'a\n');
    put('apps/auth/src/worker.mjs', "await import('pino');\n");
    put('apps/face/src/x.ts', 'export const x = 1;\n');
    put('apps/shared/y.ts', 'export const y = 2;\n');
    const c = importClosure('apps/auth/main.mjs', root);
    expect([...appFolders(c)].sort()).toEqual(['apps/auth', 'apps/face', 'apps/shared']);
    expect([...c.packages].sort()).toEqual(['@scope/css', 'express', 'pino', 'tsx']);
    expect(c.files.has('apps/auth/src/words.txt')).toBe(true);
  });

  it('reads .dockerignore as Docker does: parent folders, ** and ! re-includes', () => {
    const dir = tempDir('ignore');
    writeFileSync(path.join(dir, '.dockerignore'), '# c\nsrc\n!src/images\n**/test\napps/**/*.md\n/data\n');
    const ig = dockerignore(path.join(dir, '.dockerignore'));
    expect(ig('src/cli/main.ts')).toBe(true);
    expect(ig('src/images/images.ts')).toBe(false);
    expect(ig('apps/face/test/a.ts')).toBe(true);
    expect(ig('test/x')).toBe(true);
    expect(ig('apps/face/README.md')).toBe(true);
    expect(ig('apps/face/src/readme.ts')).toBe(false);
    expect(ig('data/face/x')).toBe(true);
    expect(ig('apps/data')).toBe(false);
  });
});
