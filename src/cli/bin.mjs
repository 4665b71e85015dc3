#!/usr/bin/env node
// Help and version answer at once, without loading the generator (cdk8s, ajv, yaml); every
// other command runs src/cli/main.ts as a bundle that is remade when a source changed.
import { readFileSync } from 'node:fs';
import { command, commandHelp, usage } from './commands.mjs';

const args = process.argv.slice(2);
const [first] = args;
const helpFlag = (a) => a === '--help' || a === '-h';
const print = (text, code) => {
  process.stdout.write(text);
  process.exit(code);
};
if (first === '--version' || first === 'version') {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  print(`kubevision ${pkg.version}\n`, 0);
}
if (!first) print(usage(), 2);
if (first === 'help' || helpFlag(first)) {
  const name = args[1];
  if (name === undefined || helpFlag(name)) print(usage(), 0);
  const c = command(name);
  if (!c) {
    process.stderr.write(`unknown command ${name}\n\n${usage()}`);
    process.exit(2);
  }
  print(commandHelp(c), 0);
}
const c = command(first);
// Up to `--`, a help flag anywhere asks for the command's help (`kubevision plan x --help`).
const before = args.indexOf('--') < 0 ? args : args.slice(0, args.indexOf('--'));
if (c && before.some(helpFlag)) print(commandHelp(c), 0);
const { cliBundle } = await import('./bundle.mjs');
await import(await cliBundle());
