import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/log.ts';
import { runAdmin } from '../src/admin.ts';
import { loadFaceConfig } from '../src/config.ts';
import { createFaceServer } from '../src/server.ts';
import { b64, face, TOKEN } from './support.ts';

/**
 * A model change (FACE_MODEL) on a running plant: one database, the service restarted with
 * another descriptor. Templates of the old model are never compared with the new one's
 * descriptors; the user is told to enroll again, and the operator sees and clears them.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'kv-face-models-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = (model: string) => ({ FACE_SERVICE_TOKEN: TOKEN, PORT: '0', HOST: '127.0.0.1', FACE_DATA_DIR: dir, FACE_WORKERS: '1', FACE_LIVENESS: 'off', FACE_MODEL: model });

async function withService<T>(model: string, f: (call: (method: string, p: string, body?: unknown) => Promise<{ status: number; body: any }>) => Promise<T>): Promise<T> {
  const server = createFaceServer(loadFaceConfig(env(model)), { log: createLogger('face-test', 'silent') });
  const { url } = await server.start();
  try {
    return await f(async (method, p, body) => {
      const r = await fetch(url + p, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: r.status, body: await r.json().catch(() => null) };
    });
  } finally {
    await server.close();
  }
}

describe('changing the face model', () => {
  it('never compares old templates with new descriptors: re-enrollment is asked for, and the operator clears the old ones', { timeout: 180_000 }, async () => {
    const enrolled = await withService('faceres', async (call) => {
      const r = await call('POST', '/v1/subjects/worker-1/templates', { images: [b64(face('yale-1.jpg'))] });
      expect(r.status).toBe(201);
      return r.body.templates[0].model;
    });
    expect(enrolled).toBe('human-3.3.6/faceres');

    await withService('faceres-deep', async (call) => {
      const v = await call('POST', '/v1/subjects/worker-1/verify', { images: [b64(face('yale-2.jpg'))] });
      expect(v.status).toBe(409);
      expect(v.body.error).toMatchObject({ code: 'reenroll_required' });
      expect(v.body.error.message).toMatch(/enrolled with human-3\.3\.6\/faceres; .* compares human-3\.3\.6\/faceres-deep templates only/);
      // Enrolling again with the new model works, and then matches with its own threshold.
      expect((await call('POST', '/v1/subjects/worker-1/templates', { images: [b64(face('yale-1.jpg'))] })).body.templates[0].model).toBe('human-3.3.6/faceres-deep');
      const again = await call('POST', '/v1/subjects/worker-1/verify', { images: [b64(face('yale-2.jpg'))] });
      expect(again.body).toMatchObject({ match: true, model: 'human-3.3.6/faceres-deep', threshold: 0.727, templates: 1 });
      await call('POST', '/v1/subjects/worker-2/templates', { images: [b64(face('messi-1.jpg'))] });
    });

    const lines: string[] = [];
    const cfg = loadFaceConfig(env('faceres-deep'));
    expect(await runAdmin(cfg, [], (l) => lines.push(l))).toBe(0);
    expect(lines[0]).toMatch(/^model in use: human-3\.3\.6\/faceres-deep/);
    expect(lines).toContain('human-3.3.6/faceres\t1 templates\t1 subjects\t(not compared: these users must enroll again)');
    expect(lines).toContain('human-3.3.6/faceres-deep\t2 templates\t2 subjects\t(in use)');
    const refused: string[] = [];
    expect(await runAdmin(cfg, ['--delete-model', 'human-3.3.6/faceres-deep'], (l) => refused.push(l))).toBe(2);
    expect(refused[0]).toMatch(/is the model in use/);
    const deleted: string[] = [];
    expect(await runAdmin(cfg, ['--delete-model', 'human-3.3.6/faceres'], (l) => deleted.push(l))).toBe(0);
    expect(deleted).toEqual(['deleted 1 templates of human-3.3.6/faceres']);
    expect(await runAdmin(cfg, ['--delete-model'], () => undefined)).toBe(2);
  });

  it('refuses a model that is measured but not offered, naming the setting', () => {
    expect(() => loadFaceConfig(env('mobilefacenet'))).toThrow(/FACE_MODEL/);
  });
});
