import { operations as byPath, openapiPaths } from '../../shared/route-table.ts';
import { REJECT_REASONS } from './engine/rejection.ts';
import { faceRouteTable } from './routes.ts';

/**
 * The OpenAPI document, written from the route table the router serves (routes.ts): its
 * paths, parameters, request bodies (JSON and raw images), statuses and errors are the
 * ones validated and answered. What is left here is what the table cannot say: the error
 * shape, what each status means, the credential and the unauthenticated endpoints.
 */

/** The table by OpenAPI path, then method. */
export const operations = byPath('/v1', faceRouteTable);

const errorDescriptions: Record<number, string> = {
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
    ...openapiPaths('/v1', faceRouteTable, { errorDescriptions }),
    '/healthz': { get: { security: [], summary: 'alive', responses: { '200': { description: 'alive' } } } },
    '/readyz': { get: { security: [], summary: 'models loaded and database reachable', responses: { '200': { description: 'ready' }, '503': { description: 'not ready' } } } },
    '/metrics': { get: { security: [], summary: 'Prometheus metrics', responses: { '200': { description: 'metrics' } } } },
  },
} as const;
