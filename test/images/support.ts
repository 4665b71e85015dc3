import { existsSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { DockerfileParser, type Copy, type From, type Instruction, type JSONInstruction } from 'dockerfile-ast';
import ts from 'typescript';
import { PROJECT_ROOT } from '../support/paths.ts';

// ---- Dockerfiles

export interface Stage {
  from: From;
  /** `AS name`, if any. */
  name?: string;
  /** The image FROM names as a build without --build-arg sees it: ARG defaults put in. */
  base: string;
  instructions: Instruction[];
}

export interface CopyStep {
  /** --from=<stage>; undefined for the build context. */
  from?: string;
  sources: string[];
  dest: string;
  flags: Record<string, string | null>;
}

/** The ARGs before the first FROM (the only ones a FROM may use), as name -> default. */
export function globalArgs(file: string): Record<string, string | undefined> {
  const args: Record<string, string | undefined> = {};
  for (const ins of DockerfileParser.parse(readFileSync(file, 'utf8')).getInstructions()) {
    if (ins.getKeyword() === 'FROM') break;
    if (ins.getKeyword() !== 'ARG') throw new Error(`${file}: ${ins.getKeyword()} before the first FROM`);
    const [name, ...value] = (ins.getArgumentsContent() ?? '').trim().split('=');
    args[name!] = value.length ? value.join('=') : undefined;
  }
  return args;
}

/**
 * A Dockerfile's text as a build with these --build-arg values runs it: each `${NAME}` and
 * `$NAME` of them put in (where COPY expands them, and where a RUN's shell does).
 */
export function withBuildArgs(file: string, buildArgs: Record<string, string> = {}): string {
  let text = readFileSync(file, 'utf8');
  for (const [name, value] of Object.entries(buildArgs)) text = text.replace(new RegExp(`\\$\\{${name}\\}|\\$${name}\\b`, 'g'), value);
  return text;
}

/** The stages of a Dockerfile, each with its instructions (FROM first), as a build with these build arguments sees them. */
export function parseStages(file: string, buildArgs: Record<string, string> = {}): Stage[] {
  const df = DockerfileParser.parse(withBuildArgs(file, buildArgs));
  const args = globalArgs(file);
  const stages: Stage[] = [];
  for (const ins of df.getInstructions()) {
    if (ins.getKeyword() === 'FROM') {
      const from = ins as From;
      const image = from.getImage() ?? '';
      const base = image.replace(/\$\{?(\w+)\}?/g, (_, name: string) => {
        const value = args[name];
        if (value === undefined) throw new Error(`${file}: FROM ${image}: ${name} is no ARG with a default before the first FROM`);
        return value;
      });
      stages.push({ from, name: from.getBuildStage() ?? undefined, base, instructions: [ins] });
    } else {
      const current = stages.at(-1);
      if (!current) {
        if (ins.getKeyword() === 'ARG') continue;
        throw new Error(`${file}: ${ins.getKeyword()} before the first FROM`);
      }
      current.instructions.push(ins);
    }
  }
  return stages;
}

export const withKeyword = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.getKeyword() === keyword);

export function copySteps(stage: Stage): CopyStep[] {
  return (withKeyword(stage, 'COPY') as Copy[]).map((c) => {
    const flags = Object.fromEntries(c.getFlags().map((f) => [f.getName(), f.getValue()]));
    const args = c.getArguments().map((a) => a.getValue());
    const dest = args.pop() ?? '';
    return { from: flags.from ?? undefined, sources: args, dest, flags };
  });
}

/** The JSON (exec) form of CMD/ENTRYPOINT, or undefined for the shell form. */
export function execForm(ins: Instruction): string[] | undefined {
  const json = ins as JSONInstruction;
  if (!json.getOpeningBracket?.() || !json.getClosingBracket?.()) return undefined;
  return json.getJSONStrings().map((s) => s.getJSONValue());
}

/** ENV of a stage, as name -> value (later ones win). */
export function envOf(stage: Stage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ins of withKeyword(stage, 'ENV')) {
    for (const p of (ins as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties()) {
      out[p.getName()] = p.getValue() ?? '';
    }
  }
  return out;
}

// ---- .dockerignore (Docker's rules: Go filepath.Match plus `**`, `!` re-includes, last match wins)

export function dockerignore(file = path.join(PROJECT_ROOT, '.dockerignore')): (rel: string) => boolean {
  const rules = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = path.posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, ''));
      let re = '';
      for (let i = 0; i < pattern.length; i++) {
        const ch = pattern[i]!;
        if (ch === '*' && pattern[i + 1] === '*') {
          re += pattern[i + 2] === '/' ? '(.*/)?' : '.*';
          i += pattern[i + 2] === '/' ? 2 : 1;
        } else if (ch === '*') re += '[^/]*';
        else if (ch === '?') re += '[^/]';
        else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return { negate, re: new RegExp(`^${re}$`) };
    });
  return (rel) => {
    // Each rule in order: it applies when it matches the path or one of its parent folders.
    const parts = path.posix.normalize(rel).split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const r of rules) if (prefixes.some((p) => r.re.test(p))) excluded = !r.negate;
    return excluded;
  };
}

// ---- what a service loads at run time

export interface Closure {
  /** Every project file reached, relative to the project root. */
  files: Set<string>;
  /** npm packages reached by a literal import, require, require.resolve. */
  packages: Set<string>;
}

const packageOf = (spec: string) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

/** Module specifiers a file loads at run time (type-only imports are erased by tsx and skipped). */
export function runtimeSpecifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const kind = /\.[cm]?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, kind);
  const out: string[] = [];
  const literal = (n: ts.Node | undefined) => (n && ts.isStringLiteralLike(n) ? n.text : undefined);
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const onlyTypes =
        clause?.isTypeOnly ||
        (clause && !clause.name && named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly));
      const spec = literal(node.moduleSpecifier);
      if (spec && !onlyTypes) out.push(spec);
    } else if (ts.isExportDeclaration(node)) {
      const spec = literal(node.moduleSpecifier);
      if (spec && !node.isTypeOnly) out.push(spec);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isResolve = ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'require' && callee.name.text === 'resolve';
      const spec = literal(node.arguments[0]);
      if ((isImport || isRequire || isResolve) && spec) out.push(spec);
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL') {
      // new URL('./worker.mjs', import.meta.url): a file next to this one
      const [first, second] = node.arguments ?? [];
      const spec = literal(first);
      if (spec && second && second.getText(sf) === 'import.meta.url' && spec.startsWith('.')) out.push(spec);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Everything `entry` loads, transitively through the project's own files. */
export function importClosure(entry: string, root = PROJECT_ROOT): Closure {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [path.resolve(root, entry)];
  while (pending.length) {
    const file = pending.pop()!;
    const rel = path.relative(root, file).split(path.sep).join('/');
    if (files.has(rel)) continue;
    if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`${rel}: loaded by the service but not a file`);
    files.add(rel);
    if (!/\.(ts|mts|mjs|js|cjs)$/.test(file)) continue;
    for (const spec of runtimeSpecifiers(file)) {
      if (spec.startsWith('.') || spec.startsWith('/')) pending.push(path.resolve(path.dirname(file), spec));
      else if (!isBuiltin(spec)) packages.add(packageOf(spec));
    }
  }
  return { files, packages };
}

/** The top-level folders of apps/ (apps/face, apps/shared, ...) that a closure's files are in. */
export function appFolders(c: Closure): Set<string> {
  const out = new Set<string>();
  for (const f of c.files) {
    const [top, folder] = f.split('/');
    out.add(top === 'apps' && folder ? `apps/${folder}` : f);
  }
  return out;
}
