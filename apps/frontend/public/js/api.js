// The auth service's API, as the frontend forwards it under /api (apps/auth/API.md).

/** An error answer: HTTP status, machine-readable code, and the details the API gives. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {{field?: string, reason?: string, retryAfter?: number}} [details]
   */
  constructor(status, code, message, details = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = details.field;
    this.reason = details.reason;
    this.retryAfter = details.retryAfter;
  }
}

/** What the browser knows of the session: the stage, and the user when logged in. */
export const session = {
  /** @type {'anonymous' | 'face' | 'full'} */
  stage: 'anonymous',
  /** @type {any} */
  user: null,
  /** @type {{liveness: string} | null} */
  face: null,
};

/** The CSRF token: sent with every state-changing call, replaced by every answer that carries one. */
let csrfToken = '';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * One call to /api. Resolves with the JSON body, or rejects with an ApiError (status 0:
 * no answer at all).
 * @param {string} method
 * @param {string} path under /api, e.g. '/login'
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (STATE_CHANGING.has(method)) headers['x-csrf-token'] = csrfToken;
  let res;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', 'no answer from the server');
  }
  const data = await res.json().catch(() => null);
  if (data && typeof data.csrfToken === 'string') csrfToken = data.csrfToken;
  if (data && typeof data.stage === 'string') {
    session.stage = data.stage;
    session.user = data.stage === 'full' ? data.user ?? session.user : null;
    session.face = data.stage === 'face' ? data.face ?? session.face : null;
  } else if (data && data.user && session.stage === 'full') {
    session.user = data.user;
  }
  if (res.ok) return data ?? {};
  const err = (data && data.error) || {};
  const header = Number(res.headers.get('retry-after'));
  const retryAfter = typeof err.retryAfter === 'number' ? err.retryAfter : Number.isFinite(header) && header > 0 ? header : undefined;
  if (err.code === 'not_authenticated') {
    session.stage = 'anonymous';
    session.user = null;
  } else if (err.code === 'second_factor_required') {
    session.stage = 'face';
    session.user = null;
  }
  throw new ApiError(res.status, err.code || `http_${res.status}`, err.message || res.statusText, { field: err.field, reason: err.reason, retryAfter });
}

/** GET /api/session: the stage, the user, and a CSRF token. */
export const loadSession = () => api('GET', '/session');
