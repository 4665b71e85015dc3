import YAML from 'yaml';
import { renderQuestions, type RancherQuestion } from '../chart/files/questions.ts';
import type { Model } from '../model.ts';
import type { KubeVisionValues } from '../params/kubevision.ts';
import type { Plant } from '../plant/load.ts';
import { coalesce } from '../plant/merge.ts';
import { CliError, UsageError } from './args.ts';

/** One `--set key=value`: a question of the plant's form and its answer. */
export interface FormAnswer {
  key: string;
  value: unknown;
}

/** `key=value`; the value is read as YAML (true, 3, cloud), as helm's --set reads it. */
export function parseSet(arg: string): FormAnswer {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set ${arg}: expected KEY=VALUE (e.g. --set face.placement=cloud)`);
  const text = arg.slice(eq + 1);
  let value: unknown = text;
  try {
    value = text === '' ? '' : (YAML.parse(text) as unknown);
  } catch {
    // Not YAML: the text as it is.
  }
  return { key: arg.slice(0, eq), value };
}

const flatten = (qs: RancherQuestion[]): RancherQuestion[] => qs.flatMap((q) => [q, ...flatten(q.subquestions ?? [])]);

/**
 * The plant with the answers of its Rancher form applied: each must be a question the
 * plant's form asks and an option it offers; the result is checked as helm checks an
 * install (the chart's schema and rules).
 */
export function withAnswers(model: Model, plant: Plant, answers: FormAnswer[]): Plant {
  if (!answers.length) return plant;
  const questions = new Map(flatten(renderQuestions(model.root, plant.values, model.rules)).map((q) => [q.variable, q]));
  const problems: string[] = [];
  const set: Record<string, unknown> = {};
  for (const { key, value } of answers) {
    const q = questions.get(key);
    if (!q) {
      const near = [...questions.keys()].filter((k) => k.split('.')[0] === key.split('.')[0]);
      problems.push(
        `--set ${key}: not a question of ${plant.id}'s form` +
          (near.length ? ` (${key.split('.')[0]}: ${near.join(', ')})` : ` (its questions: questions.yaml of charts/kubevision-${plant.id})`),
      );
      continue;
    }
    if (q.options && !q.options.includes(String(value))) {
      problems.push(`--set ${key}=${String(value)}: ${plant.id}'s form offers ${q.options.join(', ')}`);
      continue;
    }
    // Nested answers of one parent share it: global.nodeSelector and global.priorityClassName.
    const keys = key.split('.');
    let at = set;
    for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
    at[keys.at(-1)!] = value;
  }
  if (problems.length) throw new CliError(problems.join('\n'));
  const values = coalesce(plant.values as unknown as Record<string, unknown>, set);
  const invalid = model.validator.problems(values);
  if (invalid.length) throw new CliError(`these form answers would not install (helm refuses them):\n${invalid.map((p) => `  ${p}`).join('\n')}`);
  return { ...plant, values: values as unknown as KubeVisionValues };
}
