import { parseArgs } from 'node:util';
import { COMMANDS, command, parseOptions, usageLine, type Command } from './commands.mjs';

/** A command line the CLI cannot run: exit 2, with the command's usage line. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly command?: Command,
  ) {
    super(message);
  }
}

/** A request that names something wrong (a plant, a site, a form answer): exit 1. */
export class CliError extends Error {
  override name = 'CliError';
}

export interface Parsed {
  command: Command;
  args: string[];
  opts: Record<string, string | boolean | string[] | undefined>;
}

/** The command names that take an option, for a misplaced one. */
const takenBy = (name: string) => COMMANDS.filter((c) => name in c.options).map((c) => c.name);

/** `argv` as one command's options and positionals (node:util parseArgs, strict, per command). */
export function parseCommand(argv: string[]): Parsed {
  const [name, ...rest] = argv;
  const c = name === undefined ? undefined : command(name);
  if (!c) throw new UsageError(`unknown command ${name} (commands: ${COMMANDS.map((x) => x.name).join(', ')})`);
  const options = parseOptions(c);
  const { tokens } = parseArgs({ args: rest, options, allowPositionals: true, strict: false, tokens: true });
  const foreign = [...new Set(tokens.filter((t) => t.kind === 'option' && !(t.name in options)).map((t) => (t.kind === 'option' ? t.rawName : '')))];
  if (foreign.length) {
    const why = foreign.map((raw) => {
      const others = takenBy(raw.replace(/^--?/, ''));
      return others.length ? `${raw} (an option of ${others.join(', ')})` : raw;
    });
    throw new UsageError(`${c.name} does not take ${why.join(', ')}`, c);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${c.name}: ${e instanceof Error ? e.message : String(e)}`, c);
  }
  const args = parsed.positionals;
  if (args.length < c.min || args.length > c.max) throw new UsageError(takes(c), c);
  return { command: c, args, opts: parsed.values as Parsed['opts'] };
}

function takes(c: Command): string {
  if (c.name === 'site') return 'site takes a plant and a site (onprem or cloud)';
  if (c.name === 'publish') return 'publish takes one target: oci://HOST[:PORT]/PATH';
  if (c.max === 0) return `${c.name} takes no arguments`;
  return `${c.name} takes one ${c.name === 'new' ? 'plant id' : 'plant'}`;
}

export const usageHint = (c: Command) => `usage: ${usageLine(c)}\n(kubevision help ${c.name}: its options)`;
