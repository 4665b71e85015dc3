import { describe, expect, it } from 'vitest';
import { getPath, setPath } from '../../src/params/expr.ts';
import { CLUSTER, publishedChart, renderWith } from '../support/consumer-charts.ts';
import { apiServerProblems } from '../support/k8s-validation.ts';
import { chartVersion, theModel, thePlants } from '../support/plants.ts';
import { answer, rancherInstall, shownQuestions, type Dialect, type FormState, type Question } from '../support/rancher-dashboard.ts';
import { tempDirs } from '../support/temp.ts';

/**
 * The Rancher form of each chart offers only what installs. Every choice it offers (each
 * enum option, each toggle), taken from the presets in the form as Rancher's dashboard runs it
 * (questions shown and hidden by show_if, hidden answers kept by v2.14.4 and reset by the
 * development head: test/support/rancher-dashboard.ts), with what a user must type into the
 * required fields then shown, is installed through Rancher and rendered by helm. Then every
 * combination of up to three answers, shown or hidden, is checked against the chart's schema
 * and rules (the build's validator, which refuses what helm refuses: invalid-values.test.ts).
 */
const tempDir = tempDirs();
const DIALECTS: Dialect[] = ['v2.14', 'head'];
const charts = ['kubevision', ...thePlants().map((p) => `kubevision-${p.id}`)];
const catalogOf = (chart: string) => (chart === 'kubevision' ? 'generic' : chart.slice('kubevision-'.length));

/** What a user types into a required field. */
const typed = (variable: string) => (variable === 'ingress.host' ? 'kv.plant.example.com' : 'kv-example');

const allQuestions = (qs: Question[]): Question[] => qs.flatMap((q) => [q, ...allQuestions(q.subquestions ?? [])]);
const isChoice = (q: Question) => q.type === 'enum' || q.type === 'boolean';
const optionsOf = (q: Question): unknown[] => (q.type === 'boolean' ? [true, false] : (q.options as string[]));

/** The required questions the form shows now and the user has left empty get typed into. */
function fillRequired(form: FormState): void {
  for (;;) {
    const empty = shownQuestions(form.questions, form.chartValues, form.dialect).find((q) => q.required && !getPath(form.chartValues, q.variable as string));
    if (!empty) return;
    answer(form, empty.variable as string, typed(empty.variable as string));
  }
}

describe.each(charts)('the Rancher form of %s', (chart) => {
  const c = publishedChart(catalogOf(chart), chart, chartVersion(chart));
  const choices = allQuestions(c.questions).filter(isChoice);

  it('offers choices at all', () => {
    expect(choices.length).toBeGreaterThan(5);
  });

  describe.each(DIALECTS)('in the %s dashboard', (dialect) => {
    const shown = shownQuestions(c.questions, structuredClone(c.values), dialect).filter(isChoice);
    // The presets themselves once; then every other option of every shown choice.
    const preset = (q: Question) => getPath(c.values, q.variable as string);
    const cases = [
      { variable: '(presets)', option: null as unknown },
      ...shown.flatMap((q) => optionsOf(q).filter((o) => o !== preset(q)).map((o) => ({ variable: q.variable as string, option: o }))),
    ];

    it.each(cases)('$variable = $option, from the presets: Rancher installs it and helm renders it', async ({ variable, option }) => {
      const sent = rancherInstall(
        c,
        (_values, form) => {
          if (variable !== '(presets)') answer(form!, variable, option);
          fillRequired(form!);
        },
        CLUSTER,
        { dialect },
      );
      const r = await renderWith(c.dir, sent.releaseName, sent.namespace, sent.values, tempDir('form'));
      expect(r.code, `${variable}=${String(option)}: ${r.stderr}`).toBe(0);
      expect(r.objects.flatMap(apiServerProblems)).toEqual([]);
    });
  });

  it('keeps the schema and every rule for every combination of up to three answers, whether their questions are shown or not', () => {
    const { validator } = theModel();
    const required = allQuestions(c.questions).filter((q) => q.required);
    const withRequired = (values: Record<string, unknown>) => {
      for (const q of required) if (!getPath(values, q.variable as string)) setPath(values, q.variable as string, typed(q.variable as string));
      return values;
    };
    const problems: string[] = [];
    let checked = 0;
    const check = (answers: [Question, unknown][]) => {
      const values = structuredClone(c.values);
      for (const [q, v] of answers) setPath(values, q.variable as string, v);
      checked++;
      const found = validator.problems(withRequired(values));
      if (found.length) problems.push(`${answers.map(([q, v]) => `${q.variable}=${String(v)}`).join(', ')}: ${found.join('; ')}`);
    };
    const distinct = [...new Map(choices.map((q) => [q.variable, q])).values()];
    for (let i = 0; i < distinct.length; i++) {
      for (const a of optionsOf(distinct[i]!)) {
        check([[distinct[i]!, a]]);
        for (let j = i + 1; j < distinct.length; j++) {
          for (const b of optionsOf(distinct[j]!)) {
            check([[distinct[i]!, a], [distinct[j]!, b]]);
            for (let k = j + 1; k < distinct.length; k++) for (const d of optionsOf(distinct[k]!)) check([[distinct[i]!, a], [distinct[j]!, b], [distinct[k]!, d]]);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(problems.slice(0, 10)).toEqual([]);
  });

});
