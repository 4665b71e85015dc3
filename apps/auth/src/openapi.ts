/**
 * The OpenAPI document, from one table of operations (a test checks it lists exactly
 * the routes the router serves). Prose and the error codes live in apps/auth/API.md.
 */
interface Operation {
  summary: string;
  /** Request body fields: name -> JSON schema. */
  body?: Record<string, object>;
  /** Query parameters: name -> JSON schema (all optional). */
  query?: Record<string, object>;
  required?: string[];
  status: number;
  /** Statuses of the error shape this operation may answer with. */
  errors: number[];
}

const str = { type: 'string' };
const images = { type: 'array', minItems: 1, maxItems: 8, items: { type: 'string', description: 'JPEG/PNG, base64 or data URL; as the camera delivers it, not mirrored' } };

export const operations: Record<string, Record<'get' | 'post' | 'delete', Operation | undefined>> = {
  '/api/session': { get: { summary: 'The current stage and a CSRF token (sets the CSRF cookie)', status: 200, errors: [] }, post: undefined, delete: undefined },
  '/api/register': { post: { summary: 'Create an account and log in', body: { email: str, name: str, password: str }, required: ['email', 'name', 'password'], status: 201, errors: [400, 403, 409, 429] }, get: undefined, delete: undefined },
  '/api/login': { post: { summary: 'Password step; one generic 401 for unknown account, wrong password or throttling', body: { email: str, password: str }, required: ['email', 'password'], status: 200, errors: [400, 401, 403, 503] }, get: undefined, delete: undefined },
  '/api/login/face/challenge': { post: { summary: 'A head-turn challenge for the face step, bound to this session (or {mode: off}); its steps are revealed one at a time', status: 201, errors: [401, 403, 409, 429, 503] }, get: undefined, delete: undefined },
  '/api/login/face/frames': { post: { summary: "Camera frames answering this session's challenge, as they are taken (1 to 4 a request, one request at a time): what to do now", body: { images: { ...images, maxItems: 4 } }, required: ['images'], status: 200, errors: [400, 401, 403, 409, 410, 413, 422, 503] }, get: undefined, delete: undefined },
  '/api/login/face': { post: { summary: "Face step: judge this session's answered challenge (or, liveness off, one image)", body: { images: { ...images, maxItems: 1 }, challengeId: { type: 'string', format: 'uuid' } }, status: 200, errors: [400, 401, 403, 409, 410, 422, 429, 503] }, get: undefined, delete: undefined },
  '/api/login/recovery': { post: { summary: 'Second step with a single-use recovery code', body: { code: str }, required: ['code'], status: 200, errors: [400, 401, 403, 429] }, get: undefined, delete: undefined },
  '/api/logout': { post: { summary: 'End the session', status: 200, errors: [403] }, get: undefined, delete: undefined },
  '/api/me': {
    get: { summary: 'The logged-in user', status: 200, errors: [401] },
    delete: { summary: 'Delete the account and its face templates (password needed)', body: { password: str }, required: ['password'], status: 200, errors: [401, 403, 503] },
    post: undefined,
  },
  '/api/me/logins': { get: { summary: 'Recent login attempts, newest first (at most 20)', status: 200, errors: [401] }, post: undefined, delete: undefined },
  '/api/me/password': { post: { summary: 'Change the password; other sessions end', body: { currentPassword: str, newPassword: str }, required: ['currentPassword', 'newPassword'], status: 200, errors: [400, 401, 403] }, get: undefined, delete: undefined },
  '/api/me/face/check': { post: { summary: 'Quality gates on one camera frame, for live guidance', body: { image: str }, required: ['image'], status: 200, errors: [400, 401, 403, 429, 503] }, get: undefined, delete: undefined },
  '/api/me/face': {
    post: { summary: 'Enroll the face (1 to 5 frontal captures); returns recovery codes once if there were none', body: { images: { ...images, maxItems: 5 } }, required: ['images'], status: 201, errors: [400, 401, 403, 409, 422, 503] },
    delete: { summary: 'Turn face login off and delete the templates (password needed)', body: { password: str }, required: ['password'], status: 200, errors: [401, 403, 503] },
    get: undefined,
  },
  '/api/me/sessions/end-others': { post: { summary: 'Log out everywhere else: every other session of the account ends', body: {}, required: [], status: 200, errors: [401, 403] }, get: undefined, delete: undefined },
  '/api/me/recovery-codes': { post: { summary: 'New recovery codes; the old ones stop working (password needed)', body: { password: str }, required: ['password'], status: 200, errors: [401, 403] }, get: undefined, delete: undefined },
  '/api/password-reset': { post: { summary: 'Set a new password with the one-time code an administrator issued; every session ends', body: { email: str, code: str, newPassword: str }, required: ['email', 'code', 'newPassword'], status: 200, errors: [400, 403, 429] }, get: undefined, delete: undefined },
  '/api/admin/claim': { post: { summary: "Become the plant's first administrator with the operator's setup code (fresh login with the second factor)", body: { code: str }, required: ['code'], status: 200, errors: [400, 401, 403, 409, 429] }, get: undefined, delete: undefined },
  '/api/admin/users': { get: { summary: 'Accounts by email, a page at a time, with their throttling (admin)', query: { q: str, after: str, limit: { type: 'integer', minimum: 1, maximum: 100 } }, status: 200, errors: [400, 401, 403] }, post: undefined, delete: undefined },
  '/api/admin/users/{id}': {
    get: { summary: 'One account with its throttling, sessions and pending reset (admin)', status: 200, errors: [400, 401, 403, 404] },
    delete: { summary: "Erase another account: face templates first, then everything but the audit trail (admin)", status: 200, errors: [400, 401, 403, 404, 409, 503] },
    post: undefined,
  },
  '/api/admin/users/{id}/unlock': { post: { summary: 'Clear every throttle of the account (admin)', status: 200, errors: [400, 401, 403, 404] }, get: undefined, delete: undefined },
  '/api/admin/users/{id}/password-reset': { post: { summary: 'A one-time password reset code to hand over, shown once (admin)', status: 201, errors: [400, 401, 403, 404] }, get: undefined, delete: undefined },
  '/api/admin/users/{id}/face': { delete: { summary: 'Turn face login off and erase the templates (admin)', status: 200, errors: [400, 401, 403, 404, 503] }, get: undefined, post: undefined },
  '/api/admin/users/{id}/role': { post: { summary: 'Make an administrator, or take it back (admin)', body: { admin: { type: 'boolean' } }, required: ['admin'], status: 200, errors: [400, 401, 403, 404, 409] }, get: undefined, delete: undefined },
  '/api/admin/audit': {
    get: {
      summary: 'The audit trail, newest first, filtered; nothing can change or delete it (admin)',
      query: { userId: { type: 'string', format: 'uuid' }, actorId: { type: 'string', format: 'uuid' }, type: str, kind: { enum: ['login', 'account', 'admin'] }, result: { enum: ['success', 'failure'] }, before: str, limit: { type: 'integer', minimum: 1, maximum: 200 } },
      status: 200,
      errors: [400, 401, 403],
    },
    post: undefined,
    delete: undefined,
  },
};

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: str, message: str, field: str, reason: str, retryAfter: { type: 'integer' } } } },
};

const toPath = (path: string, ops: Record<string, Operation | undefined>) =>
  Object.fromEntries(
    Object.entries(ops)
      .filter((e): e is [string, Operation] => e[1] !== undefined)
      .map(([method, op]) => [
        method,
        {
          summary: op.summary,
          parameters: [
            ...[...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } })),
            ...Object.entries(op.query ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
            ...(method !== 'get' ? [{ name: 'X-CSRF-Token', in: 'header', required: true, schema: str }] : []),
          ],
          ...(op.body && { requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: op.body, required: op.required ?? [] } } } } }),
          responses: {
            [String(op.status)]: { description: 'success', content: { 'application/json': { schema: { type: 'object' } } } },
            ...Object.fromEntries(op.errors.map((s) => [String(s), { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }])),
          },
        },
      ]),
  );

export const openapi = {
  openapi: '3.1.0',
  info: { title: 'KubeVision auth service', version: '1', description: 'Accounts, password login with face as a second factor, recovery codes, sessions. Called by the dashboard through the frontend.' },
  components: {
    schemas: { Error: errorSchema },
    securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: '__Host-kv-session' } },
  },
  security: [{ session: [] }],
  paths: {
    ...Object.fromEntries(Object.entries(operations).map(([p, ops]) => [p, toPath(p, ops)])),
    '/healthz': { get: { security: [], summary: 'alive', responses: { '200': { description: 'alive' } } } },
    '/readyz': { get: { security: [], summary: 'database reachable', responses: { '200': { description: 'ready' }, '503': { description: 'not ready' } } } },
    '/metrics': { get: { security: [], summary: 'Prometheus metrics', responses: { '200': { description: 'metrics' } } } },
  },
} as const;
