import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config, Human } from '@vladmandic/human';
import { MODEL_SPECS, modelsDirOf, type FaceModel } from './models.ts';

const require = createRequire(import.meta.url);

/** Inference backends: wasm runs everywhere; tensorflow(-gpu) need tfjs-node(-gpu) in the image. */
export const BACKENDS = ['wasm', 'tensorflow', 'tensorflow-gpu'] as const;
export type Backend = (typeof BACKENDS)[number];

const NATIVE: Record<Exclude<Backend, 'wasm'>, { pkg: string; entry: string }> = {
  tensorflow: { pkg: '@tensorflow/tfjs-node', entry: 'human.node.js' },
  'tensorflow-gpu': { pkg: '@tensorflow/tfjs-node-gpu', entry: 'human.node-gpu.js' },
};

export const humanDist = () => path.dirname(require.resolve('@vladmandic/human'));
export const modelsDir = () => path.join(humanDist(), '..', 'models');

/**
 * Node 20's fetch cannot read file:// URLs, and tfjs loads model files with fetch.
 * Answer file:// from disk; everything else (nothing, at run time) goes to the original.
 */
function installFileFetch(): void {
  const original = globalThis.fetch;
  if ((original as { kubevisionFile?: boolean }).kubevisionFile) return;
  const fileFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('file://')) return original(input, init);
    const body = await readFile(fileURLToPath(url));
    const type = url.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    return new Response(body, { status: 200, headers: { 'content-type': type } });
  };
  Object.assign(fileFetch, { kubevisionFile: true });
  globalThis.fetch = fileFetch as typeof fetch;
}

/**
 * Caching and frame skipping are for video in a browser: a server must analyse every
 * image on its own, or results leak between requests.
 */
export function humanConfig(backend: Backend, model: FaceModel = 'faceres'): Partial<Config> {
  const noSkip = { skipFrames: 0, skipTime: 0 };
  return {
    backend,
    debug: false,
    async: false,
    warmup: 'none',
    cacheSensitivity: 0,
    cacheModels: false,
    validateModels: false,
    deallocate: true,
    wasmPath: `${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`,
    modelBasePath: `file://${modelsDir()}/`,
    filter: { enabled: false },
    gesture: { enabled: true },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
    face: {
      enabled: true,
      detector: { enabled: true, rotation: true, maxDetected: 5, minConfidence: 0.3, iouThreshold: 0.1, return: false, ...noSkip },
      mesh: { enabled: true, ...noSkip },
      iris: { enabled: true, ...noSkip },
      description: { enabled: true, ...noSkip },
      emotion: { enabled: false },
      antispoof: { enabled: true, ...noSkip },
      liveness: { enabled: true, ...noSkip },
      attention: { enabled: false },
      gear: { enabled: false },
      ...MODEL_SPECS[model].face(modelsDirOf(model)),
    },
  } as Partial<Config>;
}

/** Loads human for a backend, failing with a message that says what is missing. */
export async function loadHuman(backend: Backend, model: FaceModel = 'faceres'): Promise<Human> {
  let entry = path.join(humanDist(), 'human.node-wasm.js');
  if (backend !== 'wasm') {
    const native = NATIVE[backend];
    try {
      require.resolve(native.pkg);
    } catch {
      throw new Error(
        `FACE_BACKEND=${backend} needs ${native.pkg}, which is not installed in this image ` +
          `(it is part of the GPU/native image variant); use FACE_BACKEND=wasm or the matching image`,
      );
    }
    entry = path.join(humanDist(), native.entry);
  }
  installFileFetch();
  const { Human: HumanClass } = require(entry) as { Human: new (c: Partial<Config>) => Human };
  const human = new HumanClass(humanConfig(backend, model));
  await human.load();
  return human;
}
