import { operations as byPath, openapiPaths } from '../../shared/route-table.ts';
import { authRouteTable } from './routes.ts';

/**
 * The OpenAPI document, written from the route table the router serves (routes.ts): its
 * paths, request schemas, statuses and errors are the ones validated and answered. Prose
 * and the error codes live in apps/auth/API.md.
 */

const str = { type: 'string' };

/** The table by OpenAPI path, then method (a test checks API.md names each one). */
export const operations = byPath('/api', authRouteTable);

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: str, message: str, field: str, reason: str, retryAfter: { type: 'integer' } } } },
};

export const openapi = {
  openapi: '3.1.0',
  info: { title: 'KubeVision auth service', version: '1', description: 'Accounts, password login with face as a second factor, recovery codes, sessions. Called by the dashboard through the frontend.' },
  components: {
    schemas: { Error: errorSchema },
    securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: '__Host-kv-session' } },
  },
  security: [{ session: [] }],
  paths: {
    ...openapiPaths('/api', authRouteTable, {
      // The only path parameter is an account id.
      pathParameter: () => ({ type: 'string', format: 'uuid' }),
      // Every state-changing request carries the CSRF token (session.ts).
      headers: (method) => (method === 'get' ? [] : [{ name: 'X-CSRF-Token', in: 'header', required: true, schema: str }]),
    }),
    '/healthz': { get: { security: [], summary: 'alive', responses: { '200': { description: 'alive' } } } },
    '/readyz': { get: { security: [], summary: 'database reachable', responses: { '200': { description: 'ready' }, '503': { description: 'not ready' } } } },
    '/metrics': { get: { security: [], summary: 'Prometheus metrics', responses: { '200': { description: 'metrics' } } } },
  },
} as const;
