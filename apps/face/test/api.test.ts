import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { b64, face, faceService, pngHeaderOnly } from './support.ts';

const svc = faceService({ FACE_LIVENESS: 'off' });
const images = (...bufs: Buffer[]) => ({ images: bufs.map(b64) });

describe('enroll and verify with real photographs', () => {
  it('matches the same person from a different capture, and not a different person', async () => {
    const { call } = svc();
    const enrolled = await call('POST', '/v1/subjects/yale/templates', images(face('yale-1.jpg'), face('yale-2.jpg')));
    expect(enrolled.status).toBe(201);
    expect(enrolled.body.templates).toHaveLength(2);
    expect(enrolled.body.templates[0]).toMatchObject({ model: 'human-3.3.6/faceres', quality: { faces: 1 } });
    expect(JSON.stringify(enrolled.body)).not.toContain('embedding');

    const same = await call('POST', '/v1/subjects/yale/verify', images(face('yale-4.jpg')));
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ match: true, threshold: 0.642, model: 'human-3.3.6/faceres', templates: 2, liveness: { mode: 'off' } });
    expect(same.body.score).toBeGreaterThanOrEqual(0.642);

    for (const other of ['grid-05.jpg', 'messi-1.jpg', 'astronaut-1.jpg']) {
      const r = await call('POST', '/v1/subjects/yale/verify', images(face(other)));
      expect(r.body.match, other).toBe(false);
      expect(r.body.score, other).toBeLessThan(0.642);
    }
  });

  it('matches two different photographs of one person (messi)', async () => {
    const { call } = svc();
    expect((await call('POST', '/v1/subjects/messi/templates', images(face('messi-1.jpg')))).status).toBe(201);
    expect((await call('POST', '/v1/subjects/messi/verify', images(face('messi-2.jpg')))).body.match).toBe(true);
  });

  it('keeps matching under augmentations: flip, brightness, JPEG quality', async () => {
    const { call } = svc();
    const original = face('astronaut-1.jpg');
    expect((await call('POST', '/v1/subjects/astro/templates', images(original))).status).toBe(201);
    const variants: Record<string, Buffer> = {
      flipped: await sharp(original).flop().jpeg().toBuffer(),
      brighter: await sharp(original).modulate({ brightness: 1.3 }).jpeg().toBuffer(),
      darker: await sharp(original).modulate({ brightness: 0.7 }).jpeg().toBuffer(),
      'jpeg q30': await sharp(original).jpeg({ quality: 30 }).toBuffer(),
    };
    for (const [name, img] of Object.entries(variants)) {
      const r = await call('POST', '/v1/subjects/astro/verify', images(img));
      expect(r.body.match, `${name}: score ${r.body.score}`).toBe(true);
    }
  });

  it('accepts a raw image/jpeg body', async () => {
    const { call } = svc();
    await call('POST', '/v1/subjects/raw/templates', images(face('yale-2.jpg')));
    const r = await call('POST', '/v1/subjects/raw/verify', face('yale-3.jpg'));
    expect(r.status).toBe(200);
    expect(r.body.match).toBe(true);
  });
});

describe('templates: list and delete (the GDPR path)', () => {
  it('lists metadata only, deletes one template, then the whole subject', async () => {
    const { call } = svc();
    await call('POST', '/v1/subjects/gdpr/templates', images(face('tracking-a.jpg'), face('tracking-a.jpg')));
    const list = await call('GET', '/v1/subjects/gdpr/templates');
    expect(list.body.templates).toHaveLength(2);
    expect(Object.keys(list.body.templates[0]).sort()).toEqual(['createdAt', 'id', 'model', 'quality']);

    expect((await call('DELETE', `/v1/subjects/gdpr/templates/${list.body.templates[0].id}`)).status).toBe(204);
    expect((await call('GET', '/v1/subjects/gdpr/templates')).body.templates).toHaveLength(1);
    expect((await call('DELETE', '/v1/subjects/gdpr')).body).toEqual({ subject: 'gdpr', deleted: 1 });
    expect((await call('GET', '/v1/subjects/gdpr/templates')).status).toBe(404);
    expect((await call('POST', '/v1/subjects/gdpr/verify', images(face('tracking-a.jpg')))).status).toBe(404);
  });

  it('refuses more templates than the limit', async () => {
    const { call } = svc();
    const r = await call('POST', '/v1/subjects/many/templates', { images: Array(8).fill(b64(face('grid-01.jpg'))) });
    expect(r.status).toBe(201);
    const over = await call('POST', '/v1/subjects/many/templates', images(face('grid-01.jpg'), face('grid-01.jpg'), face('grid-01.jpg')));
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('too_many_templates');
  });
});

describe('bad input: a clear 4xx each, nothing stored, the service stays up', () => {
  const rejected = async (body: unknown, status: number, code: string, reason?: string) => {
    const { call } = svc();
    const r = await call('POST', '/v1/subjects/bad/templates', body);
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.body.error.code).toBe(code);
    if (reason) expect(r.body.error.reason).toBe(reason);
    expect((await call('GET', '/v1/subjects/bad/templates')).status, 'nothing stored').toBe(404);
    return r.body.error;
  };

  it('not an image', () => rejected(images(Buffer.from('%PDF-1.4 definitely not a picture')), 422, 'image_rejected', 'unsupported_format'));

  it('a truncated JPEG', async () => {
    const jpeg = face('astronaut-1.jpg');
    await rejected(images(jpeg.subarray(0, Math.floor(jpeg.length * 0.6))), 422, 'image_rejected', 'corrupt_image');
  });

  it('a 50 MB upload', async () => {
    const { call } = svc();
    const big = Buffer.alloc(50 * 1024 * 1024, 1);
    expect((await call('POST', '/v1/subjects/bad/templates', big)).status).toBe(413);
    // JSON bodies stop at what auth ever sends (FACE_BODY_LIMIT_BYTES, 8 MiB), refused from their length before parsing.
    const json = await call('POST', '/v1/subjects/bad/templates', { images: [big.toString('base64')] });
    expect(json.status).toBe(413);
    expect(json.body.error.code).toBe('payload_too_large');
    const justOver = await call('POST', '/v1/subjects/bad/templates', { images: ['A'.repeat(8 * 2 ** 20)] });
    expect(justOver.status).toBe(413);
    expect(justOver.body.error.code).toBe('payload_too_large');
  });

  it('a 20000x20000 PNG is refused from its header, before decoding', async () => {
    const e = await rejected(images(pngHeaderOnly(20000, 20000)), 422, 'image_rejected', 'image_too_large');
    expect(e.message).toContain('20000x20000');
  });

  it('zero faces', () => rejected(images(face('no-face.jpg')), 422, 'image_rejected', 'no_face'));

  it('three faces', () => rejected(images(face('multi-three-men.jpg')), 422, 'image_rejected', 'multiple_faces'));

  it('five faces', () => rejected(images(face('multi-group-5.jpg')), 422, 'image_rejected', 'multiple_faces'));

  it('one bad image in a batch stores none of the batch and names the image', async () => {
    const e = await rejected(images(face('yale-1.jpg'), face('multi-grid.jpg')), 422, 'image_rejected', 'multiple_faces');
    expect(e.index).toBe(1);
  });

  it('invalid base64, wrong fields and bad subject ids name the field', async () => {
    const { call } = svc();
    expect((await call('POST', '/v1/subjects/bad/templates', { images: ['***'] })).body.error).toMatchObject({ code: 'invalid_field', field: 'images[0]' });
    expect((await call('POST', '/v1/subjects/bad/templates', { pictures: [] })).body.error).toMatchObject({ code: 'invalid_field', field: 'images' });
    expect((await call('POST', '/v1/subjects/bad/templates', '{"images": [', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await call('POST', '/v1/subjects/no%20spaces/templates', images(face('yale-1.jpg')))).body.error.code).toBe('invalid_subject');
  });

  it('a NUL or an unpaired surrogate in a path or body field is a 400 naming it, never a 500', async () => {
    const { call } = svc();
    const r1 = await call('DELETE', '/v1/subjects/worker-1/templates/a%00b');
    expect(r1.status).toBe(400);
    expect(r1.body.error).toMatchObject({ code: 'invalid_field', field: 'template' });
    const r2 = await call('POST', '/v1/subjects/a%00/verify', { images: ['x'] });
    expect(r2.status).toBe(400);
    expect(r2.body.error).toMatchObject({ field: 'subject' });
    const r3 = await call('POST', '/v1/liveness/challenges', Buffer.from('{"subject":"worker-1","binding":"b\\ud800"}'), { 'content-type': 'application/json' });
    expect(r3.status).toBe(400);
    expect(r3.body.error).toMatchObject({ code: 'invalid_field', field: 'binding' });
  });

  it('a subject that does not exist', async () => {
    const { call } = svc();
    expect((await call('POST', '/v1/subjects/nobody/verify', images(face('yale-1.jpg')))).body.error.code).toBe('subject_not_found');
    expect((await call('DELETE', '/v1/subjects/nobody')).status).toBe(404);
  });

  it('a missing or wrong service credential', async () => {
    const { call } = svc();
    for (const authorization of ['', 'Bearer wrong', 'Basic dGVzdA==']) {
      const r = await call('GET', '/v1/subjects/yale/templates', undefined, { authorization });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('after all that, the process and its workers are still up and correct', async () => {
    const { call, url, server } = svc();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(server.pool.ready).toBe(true);
    await call('POST', '/v1/subjects/after/templates', images(face('yale-1.jpg')));
    expect((await call('POST', '/v1/subjects/after/verify', images(face('yale-3.jpg')))).body.match).toBe(true);
  });
});

describe('memory', () => {
  it('every tensor is disposed: the live tensor count is the same after 30 verifications and rejections', async () => {
    const { call, server } = svc();
    await call('POST', '/v1/subjects/mem/templates', images(face('yale-1.jpg')));
    await call('POST', '/v1/subjects/mem/verify', images(face('yale-2.jpg')));
    const before = (await server.pool.memory()).tensors;
    const statuses = new Set<number>();
    for (let batch = 0; batch < 30; batch += 3) {
      const answers = await Promise.all(
        ['multi-three-men.jpg', 'no-face.jpg', 'yale-3.jpg'].map((f) => call('POST', '/v1/subjects/mem/verify', images(face(f)))),
      );
      answers.forEach((a) => statuses.add(a.status));
    }
    expect(statuses).toEqual(new Set([200, 422]));
    expect((await server.pool.memory()).tensors).toEqual(before);
  });
});

describe('operations', () => {
  it('serves an OpenAPI document and Prometheus metrics without the credential', async () => {
    const { url } = svc();
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/subjects/{subject}/templates', '/v1/subjects/{subject}/verify', '/v1/liveness/challenges']));
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/face_verifications_total\{result="match",service="face"\} [1-9]/);
    expect(metrics).toMatch(/face_rejected_images_total\{reason="multiple_faces",service="face"\} [1-9]/);
    expect(metrics).toContain('face_queue_depth');
    expect(metrics).toContain('http_request_duration_seconds_bucket{le="0.5",service="face",method="POST",route="/v1/subjects/:subject/verify"}');
  });
});

describe('quality check for live guidance', () => {
  it('says a usable frame is ok and names why others are not, storing nothing', async () => {
    const { call } = svc();
    const ok = await call('POST', '/v1/quality', images(face('yale-1.jpg')));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, quality: { faces: 1 } });
    const many = await call('POST', '/v1/quality', images(face('multi-three-men.jpg')));
    expect(many.status).toBe(422);
    expect(many.body.error.reason).toBe('multiple_faces');
    const none = await call('POST', '/v1/quality', images(face('no-face.jpg')));
    expect(none.body.error.reason).toBe('no_face');
    expect((await call('GET', '/v1/subjects/yale-1/templates')).status).toBe(404);
    expect((await call('POST', '/v1/quality', images(face('yale-1.jpg'), face('yale-2.jpg')))).body.error.field).toBe('images');
  });
});
