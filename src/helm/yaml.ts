import YAML, { type DocumentOptions, type ParseOptions, type SchemaOptions, type ToStringOptions } from 'yaml';

/**
 * Helm reads YAML 1.1 (sigs.k8s.io/yaml): `yes`, `on`, `010` and `1_000` are booleans
 * and numbers there, strings in YAML 1.2. Everything helm or Rancher reads is written, and
 * every plant file is read, as YAML 1.1 so that a value means the same to us and to helm.
 */
const V11 = { version: '1.1' } as const satisfies DocumentOptions;

export function toHelmYaml(value: unknown, opts: ToStringOptions & SchemaOptions = {}): string {
  return new YAML.Document(value, { ...V11, ...opts }).toString({ lineWidth: 0, ...opts });
}

export function helmYamlDocument(value: unknown): YAML.Document {
  return new YAML.Document(value, V11);
}

export function parseHelmYaml(text: string, opts: ParseOptions = {}): YAML.Document.Parsed {
  return YAML.parseDocument(text, { ...V11, ...opts });
}
