import type { Group } from '../../params/dsl.ts';
import { leaves } from '../../params/dsl.ts';
import { getPath } from '../../params/expr.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The parameter table of a chart README, one section per top-level group. */
export function renderParameterTable(root: Group, defaults: Record<string, unknown>): string {
  const out: string[] = [];
  for (const [key, child] of Object.entries(root.children)) {
    out.push(`### ${key}`, '', child.description, '', '| Key | Type | Default | Description |', '|---|---|---|---|');
    const rows = child.kind === 'group' ? [...leaves(child, key)] : [[key, child] as const];
    for (const [path, p] of rows) {
      const type = p.kind === 'enum' ? p.options.join(' \\| ') : p.kind === 'json' ? p.typeName : p.kind;
      out.push(`| \`${path}\` | ${type} | \`${cell(JSON.stringify(getPath(defaults, path)))}\` | ${cell(p.description)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
