import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PLANT_ID, PLANT_ID_MAX, RESERVED_IDS } from './load.ts';

export const PRESETS = ['hybrid', 'onprem', 'cloud'] as const;
export type Preset = (typeof PRESETS)[number];

const presetValues: Record<Preset, string> = {
  hybrid: `  # Hybrid: face on an on-premise GPU node, MongoDB on-premise (biometric data stays
  # in the plant), dashboard and auth in the cloud.
  sites:
    onprem:
      gpu:
        enabled: true
  frontend:
    placement: cloud
  auth:
    placement: cloud
  face:
    placement: onprem
    compute: gpu
  mongodb:
    placement: onprem`,
  onprem: `  # Fully on-premise: no cloud nodes; images come from the plant's registry mirror.
  global:
    imageRegistry: registry.example.local:5000
  sites:
    cloud:
      enabled: false
  frontend:
    placement: onprem
  auth:
    placement: onprem
  face:
    placement: onprem
  mongodb:
    placement: onprem`,
  cloud: `  # Fully in the cloud with an external MongoDB.
  sites:
    onprem:
      enabled: false
  frontend:
    placement: cloud
  auth:
    placement: cloud
  face:
    placement: cloud
  mongodb:
    mode: external
    placement: cloud
    external:
      existingSecret: kubevision-mongodb`,
};

/** Writes values/<id>.yaml for a new plant; never overwrites. */
export function scaffoldPlant(valuesDir: string, id: string, displayName: string, preset: Preset): string {
  if (!PLANT_ID.test(id) || id.length > PLANT_ID_MAX) {
    throw new Error(`plant id "${id}": use lowercase letters, digits and dashes, at most ${PLANT_ID_MAX} characters`);
  }
  if (RESERVED_IDS.has(id)) throw new Error(`plant id "${id}" is reserved`);
  const file = path.join(valuesDir, `${id}.yaml`);
  if (existsSync(file)) throw new Error(`${file} exists already`);
  writeFileSync(
    file,
    `# KubeVision plant: ${displayName}
# Overrides of the kubevision chart's values (see charts/kubevision/README.md for every key).
# Build with: npm run build -- ${id}    Review placement with: npm run kubevision -- plan ${id}
plant:
  displayName: ${JSON.stringify(displayName)}
  description: ""
values:
${presetValues[preset]}
`,
  );
  return file;
}
