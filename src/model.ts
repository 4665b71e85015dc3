import { defaultsOf, type Group } from './params/dsl.ts';
import { values, type KubeVisionValues } from './params/kubevision.ts';
import { plantRules, rulesOf, type Rule } from './params/rules.ts';
import { renderSchema } from './chart/files/schema.ts';
import { synthTemplates } from './chart/synth.ts';
import { ValuesValidator } from './plant/validate.ts';

/** Everything the build derives once from the declarations, shared by every chart. */
export interface Model {
  root: Group;
  defaults: KubeVisionValues;
  rules: Rule[];
  validator: ValuesValidator;
  templates: Map<string, string>;
}

export function buildModel(): Model {
  const defaults = defaultsOf(values);
  const rules = rulesOf();
  return {
    root: values,
    defaults,
    rules,
    validator: new ValuesValidator(values, renderSchema(values, defaults, 'KubeVision'), rules, plantRules()),
    templates: synthTemplates(rules),
  };
}
