#!/usr/bin/env node
// Help and version answer at once, without loading the generator (cdk8s, ajv, yaml); every
// other command runs src/cli/main.ts as a bundle that is remade when a source changed.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const [command] = args;
if (!command || command === 'help' || args.includes('--help') || args.includes('-h')) {
  process.stdout.write(readFileSync(new URL('./usage.txt', import.meta.url), 'utf8'));
  process.exit(command || args.length ? 0 : 2);
}
if (command === '--version' || command === 'version') {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`kubevision ${pkg.version}\n`);
  process.exit(0);
}
const { cliBundle } = await import('./bundle.mjs');
await import(await cliBundle());
