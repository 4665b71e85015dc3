import { REJECT_REASONS } from './engine/rejection.ts';
import { LIVENESS_FAILURES, STEPS } from './engine/challenge.ts';

const error = { $ref: '#/components/schemas/Error' };
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: DESCRIPTIONS[c] ?? 'error', ...json(error) }]));
const DESCRIPTIONS: Record<number, string> = {
  400: 'invalid request (the field is named)',
  401: 'missing or wrong service credential',
  404: 'unknown subject or template',
  403: 'the challenge was issued to another session or subject',
  409: 'conflict (too many templates, liveness off, frames of this challenge being analysed)',
  410: 'challenge unknown, used or expired',
  413: 'image or request too large',
  422: 'an image was rejected by the quality gates (see reason)',
  503: 'overloaded or database unavailable (see Retry-After)',
};
const subject = { name: 'subject', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } };
const images = {
  required: true,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['images'],
        properties: {
          images: { type: 'array', minItems: 1, items: { type: 'string', description: 'JPEG or PNG, base64 or data URL' } },
        },
      },
    },
    'image/jpeg': { schema: { type: 'string', format: 'binary' } },
    'image/png': { schema: { type: 'string', format: 'binary' } },
  },
};
const binding = { type: 'string', pattern: '^[A-Za-z0-9_-]{16,128}$', description: "the caller's session the challenge is bound to (auth: a hash of it)" };
const bodySubject = { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' };
const progress = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    steps: { type: 'integer', description: 'how many turns the challenge asks for' },
    done: { type: 'integer' },
    phase: { enum: ['return', 'hold', 'turn', 'complete', 'failed'], description: 'return/hold: look straight at the camera; turn: make `step` now; complete: call verify' },
    step: { enum: [...STEPS] },
    reason: { enum: [...LIVENESS_FAILURES] },
    turnDeg: { type: 'number' },
    expiresAt: { type: 'string', format: 'date-time' },
    frames: { type: 'array', items: { type: 'number' }, description: 'turn of each frame used, degrees' },
  },
};
const quality = {
  type: 'object',
  properties: Object.fromEntries(['faces', 'facePx', 'detectionScore', 'yawDeg', 'pitchDeg', 'rollDeg', 'width', 'height'].map((k) => [k, { type: 'number' }])),
};
const template = {
  type: 'object',
  properties: { id: { type: 'string' }, model: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' }, quality },
};

/** The face service's API, served at /openapi.json. */
export const openapi = {
  openapi: '3.1.0',
  info: { title: 'KubeVision face service', version: '1', description: 'Enroll and verify faces. Internal: only the auth service calls it.' },
  components: {
    securitySchemes: { service: { type: 'http', scheme: 'bearer', description: 'FACE_SERVICE_TOKEN' } },
    schemas: {
      Error: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' }, reason: { enum: [...REJECT_REASONS] }, index: { type: 'integer' } },
          },
        },
      },
    },
  },
  security: [{ service: [] }],
  paths: {
    '/v1/subjects/{subject}/templates': {
      post: {
        summary: 'Enroll: add templates computed from one or more images',
        parameters: [subject],
        requestBody: images,
        responses: { '201': { description: 'stored', ...json({ type: 'object', properties: { subject: { type: 'string' }, templates: { type: 'array', items: template } } }) }, ...errors(400, 401, 409, 413, 422, 503) },
      },
      get: { summary: "List a subject's templates (metadata, never vectors)", parameters: [subject], responses: { '200': { description: 'templates', ...json({ type: 'object', properties: { templates: { type: 'array', items: template } } }) }, ...errors(401, 404) } },
    },
    '/v1/subjects/{subject}': { delete: { summary: 'Delete every template of a subject (GDPR erasure)', parameters: [subject], responses: { '200': { description: 'deleted', ...json({ type: 'object', properties: { deleted: { type: 'integer' } } }) }, ...errors(401, 404, 503) } } },
    '/v1/subjects/{subject}/templates/{template}': {
      delete: { summary: 'Delete one template', parameters: [subject, { name: 'template', in: 'path', required: true, schema: { type: 'string' } }], responses: { '204': { description: 'deleted' }, ...errors(401, 404, 503) } },
    },
    '/v1/subjects/{subject}/verify': {
      post: {
        summary: 'Verify against every template: one image (liveness off), or the answered head-turn challenge (its frames were sent to it)',
        parameters: [subject],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                oneOf: [
                  { type: 'object', required: ['images'], properties: { images: { type: 'array', minItems: 1, maxItems: 1, items: { type: 'string' } } } },
                  { type: 'object', required: ['challengeId', 'binding'], properties: { challengeId: { type: 'string', format: 'uuid' }, binding } },
                ],
              },
            },
            'image/jpeg': { schema: { type: 'string', format: 'binary' } },
            'image/png': { schema: { type: 'string', format: 'binary' } },
          },
        },
        responses: {
          '200': {
            description: 'decision',
            ...json({
              type: 'object',
              properties: {
                match: { type: 'boolean' },
                score: { type: 'number' },
                threshold: { type: 'number' },
                model: { type: 'string' },
                templates: { type: 'integer' },
                quality,
                liveness: { type: 'object', properties: { mode: { enum: ['off', 'headturn'] }, passed: { type: 'boolean' }, reason: { enum: [...LIVENESS_FAILURES] }, steps: { type: 'array', items: { enum: [...STEPS] } }, turnDeg: { type: 'array', items: { type: 'number' } } } },
              },
            }),
          },
          ...errors(400, 401, 403, 404, 409, 410, 413, 422, 503),
        },
      },
    },
    '/v1/quality': {
      post: {
        summary: 'Run the quality gates (one frontal face, size, confidence, pose) on one image; nothing is stored',
        requestBody: images,
        responses: { '200': { description: 'usable', ...json({ type: 'object', properties: { ok: { const: true }, quality } }) }, ...errors(400, 401, 413, 422, 503) },
      },
    },
    '/v1/liveness/challenges': {
      post: {
        summary: 'A head-turn challenge for one subject, bound to the caller\'s session; its steps are revealed one at a time as frames arrive',
        requestBody: { required: true, ...json({ type: 'object', required: ['subject', 'binding'], properties: { subject: bodySubject, binding } }) },
        responses: { '201': { description: 'challenge', ...json(progress) }, ...errors(400, 401, 404, 409, 503) },
      },
    },
    '/v1/liveness/challenges/{id}/frames': {
      post: {
        summary: 'Frames answering the challenge, sent as they are taken (1 to 4 a request, one request at a time); the answer says what to do now',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        requestBody: { required: true, ...json({ type: 'object', required: ['subject', 'binding', 'images'], properties: { subject: bodySubject, binding, images: { type: 'array', minItems: 1, maxItems: 4, items: { type: 'string' } } } }) },
        responses: { '200': { description: 'progress', ...json(progress) }, ...errors(400, 401, 403, 409, 410, 413, 422, 503) },
      },
    },
    '/healthz': { get: { security: [], summary: 'alive', responses: { '200': { description: 'alive' } } } },
    '/readyz': { get: { security: [], summary: 'models loaded and database reachable', responses: { '200': { description: 'ready' }, '503': { description: 'not ready' } } } },
    '/metrics': { get: { security: [], summary: 'Prometheus metrics', responses: { '200': { description: 'metrics' } } } },
  },
} as const;
