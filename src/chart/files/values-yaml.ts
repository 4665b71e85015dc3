import { isMap, isPair, isScalar, type Pair, type YAMLMap } from 'yaml';
import { helmYamlDocument } from '../../helm/yaml.ts';
import type { Group, Param } from '../../params/dsl.ts';

/**
 * values.yaml with every key documented where it is defined, in the `## @param` style
 * that readme generators and people both read.
 */
export function renderValuesYaml(root: Group, defaults: Record<string, unknown>, header: string): string {
  const doc = helmYamlDocument(defaults);
  annotate(doc.contents as YAMLMap, root, '');
  doc.commentBefore = header;
  return doc.toString({ lineWidth: 0 });
}

function annotate(node: YAMLMap, group: Group, prefix: string): void {
  for (const item of node.items as Pair[]) {
    if (!isPair(item) || !isScalar(item.key)) continue;
    const key = String(item.key.value);
    const param: Param | undefined = group.children[key];
    if (!param) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    item.key.commentBefore =
      param.kind === 'group' ? ` @section ${path}: ${param.description}` : ` @param ${path} ${param.description}`;
    if (param.kind === 'group' && isMap(item.value)) {
      item.key.spaceBefore = prefix === '';
      annotate(item.value, param, path);
    }
  }
}
