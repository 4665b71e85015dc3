/** One option of a command: node:util parseArgs' type, and what help shows. */
export interface Option {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** The placeholder help shows for a string option's value. */
  value?: string;
  help: string;
}

export interface Command {
  name: string;
  /** The positional arguments as usage shows them. */
  args: string;
  /** How many positional arguments it takes. */
  min: number;
  max: number;
  /** Its lines in `kubevision help`. */
  summary: string[];
  /** Further paragraphs of `kubevision help NAME`. */
  help: string[];
  options: Record<string, Option>;
}

export const COMMANDS: Command[];
export function command(name: string): Command | undefined;
export function usageLine(c: Command): string;
export function usage(): string;
export function commandHelp(c: Command): string;
export function parseOptions(c: Command): Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
