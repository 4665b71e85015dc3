import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config.ts';
import { loadFaceConfig } from '../src/config.ts';

const problems = (env: NodeJS.ProcessEnv) => {
  try {
    loadFaceConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('face service configuration', () => {
  it('needs the service credential', () => {
    expect(problems({})).toEqual([expect.stringMatching(/^FACE_SERVICE_TOKEN: is required/)]);
  });

  it('names every invalid setting without echoing secrets', () => {
    const p = problems({ FACE_SERVICE_TOKEN: 't', FACE_WORKERS: 'many', FACE_BACKEND: 'cuda', FACE_MATCH_THRESHOLD: '1.5', FACE_LIVENESS: 'maybe' });
    expect(p).toEqual([
      'FACE_BACKEND: must be one of wasm, tensorflow, tensorflow-gpu (got "cuda")',
      'FACE_WORKERS: must be a whole number from 1 to 64 (got "many")',
      'FACE_MATCH_THRESHOLD: must be a number from 0 to 1 (got "1.5")',
      'FACE_LIVENESS: must be one of headturn, off (got "maybe")',
    ]);
  });

  it('reads the names the chart sets', () => {
    const c = loadFaceConfig({ FACE_SERVICE_TOKEN: 'secret', PORT: '8080', FACE_BACKEND: 'tensorflow-gpu', MONGODB_URI: 'mongodb://db/kv' });
    expect(c).toMatchObject({ port: 8080, backend: 'tensorflow-gpu', mongodbUri: 'mongodb://db/kv', token: 'secret' });
  });
});
