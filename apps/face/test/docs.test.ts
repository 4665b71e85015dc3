import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { faceSettings } from '../src/config.ts';

it('the README documents every setting the service reads', () => {
  const readme = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');
  for (const s of Object.values(faceSettings)) expect(readme, s.env).toContain(`\`${s.env}\``);
});
