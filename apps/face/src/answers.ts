import { LIVENESS_FAILURES, STEPS } from './engine/challenge.ts';

/** What the routes answer, for the OpenAPI document alone (routes.ts's `answer`): answers are not checked against these. */

const quality = {
  type: 'object',
  properties: Object.fromEntries(['faces', 'facePx', 'detectionScore', 'yawDeg', 'pitchDeg', 'rollDeg', 'width', 'height'].map((k) => [k, { type: 'number' }])),
};
const template = {
  type: 'object',
  properties: { id: { type: 'string' }, model: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' }, quality },
};

export const templates = { type: 'object', properties: { subject: { type: 'string' }, templates: { type: 'array', items: template } } };
export const deleted = { type: 'object', properties: { subject: { type: 'string' }, deleted: { type: 'integer' } } };
export const usable = { type: 'object', properties: { ok: { const: true }, quality } };
export const progress = {
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
export const verdict = {
  type: 'object',
  properties: {
    match: { type: 'boolean' },
    score: { type: 'number' },
    threshold: { type: 'number' },
    model: { type: 'string' },
    templates: { type: 'integer' },
    quality,
    liveness: {
      type: 'object',
      properties: {
        mode: { enum: ['off', 'headturn'] },
        passed: { type: 'boolean' },
        reason: { enum: [...LIVENESS_FAILURES] },
        steps: { type: 'array', items: { enum: [...STEPS] } },
        turnDeg: { type: 'array', items: { type: 'number' } },
      },
    },
  },
};
