// Every command of the CLI, once: its arguments, its options (node:util parseArgs, strict,
// per command), its line in `kubevision help` and its own help text. Plain JavaScript so
// that bin.mjs answers help without loading the generator; main.ts parses with the same
// options (types in commands.d.mts).

import { wrap } from '../wrap.mjs';

const values = { type: 'string', value: 'DIR', help: "the folder of plant files (default the project's values/)" };
const root = { type: 'string', value: 'DIR', help: 'where charts/ and catalog/ are (default the project)' };
const json = { type: 'boolean', help: 'print JSON instead of text, for scripts' };

/** @type {import('./commands.d.mts').Command[]} */
export const COMMANDS = [
  {
    name: 'build',
    args: '[PLANT...]',
    min: 0,
    max: Infinity,
    summary: [
      'build every plant (default) or only the named ones; a chart whose',
      'content changed is published under a new version, the rest as they are',
    ],
    help: [
      'Generates charts/ and catalog/ from the plant files. Everything is validated before',
      'anything is written, and a failed build leaves charts/ and catalog/ as they were.',
      'The summary names each chart that got a new version and what changed in it.',
      'Signing: with KUBEVISION_SIGN_KEY set (a key id in GnuPG; GNUPGHOME,',
      'KUBEVISION_SIGN_PASSPHRASE_FILE), build writes a helm provenance file (.prov) beside',
      'every archive that has none, for helm verify and helm install --verify --keyring.',
    ],
    options: {
      values,
      root,
      'fleet-repo': {
        type: 'string',
        value: 'URL',
        help: 'where catalog/generic is served over HTTP, for catalog/fleet/fleet.yaml (default $KUBEVISION_FLEET_REPO or a placeholder)',
      },
    },
  },
  {
    name: 'publish',
    args: 'oci://HOST[:PORT]/PATH',
    min: 1,
    max: 1,
    summary: [
      'push every published chart version to an OCI registry (with its .prov),',
      'recording each digest in catalog/oci-digests.json',
    ],
    help: ['Pushes the chart versions of catalog/ as they are; build first.'],
    options: {
      root,
      'plain-http': { type: 'boolean', help: 'talk HTTP, not HTTPS, to the registry (a local test registry)' },
    },
  },
  {
    name: 'plan',
    args: 'PLANT',
    min: 1,
    max: 1,
    summary: ['where each service of a plant runs, and which calls cross the WAN'],
    help: [
      "Renders the plant's chart with helm and reads back the node affinity, tolerations,",
      'GPU requests and replicas: what the cluster will be asked to do.',
      "--set previews answers of the plant's Rancher form: they are merged over the plant's",
      'values, validated as helm validates them, rendered and planned (nothing is written).',
    ],
    options: {
      values,
      set: {
        type: 'string',
        multiple: true,
        value: 'KEY=VALUE',
        help: 'a form answer, e.g. --set face.placement=cloud (repeatable; the value is read as YAML)',
      },
      svg: { type: 'string', value: 'FILE', help: 'also draw the placement map into FILE (SVG: sites, node kinds, services, calls; WAN calls marked)' },
      json,
    },
  },
  {
    name: 'diff',
    args: 'PLANT',
    min: 1,
    max: 1,
    summary: ["what a rebuild would change in the plant's published chart"],
    help: [
      "Compares the plant's chart as the current sources make it with the published one in",
      "charts/kubevision-PLANT/: the chart's changes (values, templates, metadata) and, both",
      'rendered with helm, the objects added, removed or changed. Exit 0 when nothing would',
      'change, 1 when something would (as diff(1)), 2 on a usage error.',
    ],
    options: { values, root, json },
  },
  {
    name: 'images',
    args: 'PLANT',
    min: 1,
    max: 1,
    summary: [
      'the images the plant pulls (its registry mirror and GPU variant applied),',
      'and the commands that copy them into its registry',
    ],
    help: [],
    options: { values, json },
  },
  {
    name: 'site',
    args: 'PLANT onprem|cloud',
    min: 2,
    max: 2,
    summary: [
      'how to prepare a k3s node of that site: install flags,',
      'kubectl, Rancher registration, which workloads it gets',
    ],
    help: [
      "Reads the plant's resolved values and prints, with placeholders for addresses and",
      'tokens: the k3s install line and config.yaml, kubectl label/taint for an existing node,',
      "Rancher's registration command, which workloads run on such a node, the GPU",
      'prerequisites (--gpu) and what happens when the link to the k3s servers drops.',
    ],
    options: {
      values,
      gpu: { type: 'boolean', help: 'a node with a GPU (the site must declare GPU nodes)' },
      role: { type: 'string', value: 'agent|server', help: 'the k3s role (default agent)' },
      json,
    },
  },
  {
    name: 'new',
    args: 'PLANT',
    min: 1,
    max: 1,
    summary: ['scaffold values/PLANT.yaml'],
    help: ['Writes a plant file that builds as it is; it never overwrites one.'],
    options: {
      values,
      name: { type: 'string', value: '"Display Name"', help: "the plant's name in Rancher (default the id)" },
      preset: { type: 'string', value: 'hybrid|onprem|cloud', help: 'the sites the plant starts with (default hybrid)' },
    },
  },
  {
    name: 'list',
    args: '',
    min: 0,
    max: 0,
    summary: ['list the plants'],
    help: [],
    options: { values, json },
  },
];

const HELP = { type: 'boolean', short: 'h', help: 'this command\'s help' };

/** A command by name. */
export const command = (name) => COMMANDS.find((c) => c.name === name);

/** `kubevision NAME ARGS [--option VALUE]...` */
export function usageLine(c) {
  const opts = Object.entries(c.options).map(([name, o]) => `[--${name}${o.type === 'string' ? ` ${o.value}` : ''}]`);
  return ['kubevision', c.name, c.args, ...opts].filter(Boolean).join(' ');
}

/** The text of `kubevision help`. */
export function usage() {
  const lines = ['kubevision: Helm charts and Rancher catalogs for KubeVision plants', ''];
  for (const c of COMMANDS) {
    const head = `  kubevision ${c.name}${c.args ? ` ${c.args}` : ''}`;
    const [first, ...rest] = wrap(c.summary.join(' '), 62);
    if (head.length <= 35) lines.push(`${head.padEnd(37)}${first}`);
    else lines.push(head, `${''.padEnd(37)}${first}`);
    for (const r of rest) lines.push(`${''.padEnd(37)}${r}`);
  }
  lines.push(
    '  kubevision help [COMMAND]          this text, or a command\'s options and details',
    '                                     (also: kubevision COMMAND --help)',
    '  kubevision --version               the KubeVision version',
    '',
    'Most commands take --values DIR (the plant files, default values/); build, publish and diff',
    'take --root DIR (where charts/ and catalog/ are). A command refuses an option it does not take.',
  );
  return `${lines.join('\n')}\n`;
}

/** The text of `kubevision help NAME`. */
export function commandHelp(c) {
  const options = { ...c.options, help: HELP };
  const names = Object.entries(options).map(([name, o]) => [`${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value}` : ''}`, o.help]);
  const width = Math.max(...names.map(([n]) => n.length)) + 2;
  const lines = [...wrap(`usage: ${usageLine(c)}`, 100), '', ...wrap(c.summary.join(' '), 96).map((s) => `  ${s}`)];
  if (c.help.length) lines.push('', ...c.help);
  lines.push('', 'Options:');
  for (const [n, h] of names) {
    const [first, ...rest] = wrap(h, 98 - width);
    lines.push(`  ${n.padEnd(width)}${first}`, ...rest.map((r) => `  ${''.padEnd(width)}${r}`));
  }
  return `${lines.join('\n')}\n`;
}


/** parseArgs options of a command, --help included. */
export function parseOptions(c) {
  const out = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(c.options)) out[name] = { type: o.type, ...(o.multiple ? { multiple: true } : {}) };
  return out;
}
