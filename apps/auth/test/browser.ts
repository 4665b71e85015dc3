import { parseSetCookie, type SetCookie } from 'cookie';

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
  cookies: SetCookie[];
}

/**
 * A browser as far as the API can tell: keeps cookies, sends the CSRF header the way
 * the dashboard does, takes new CSRF tokens from responses.
 */
export class Browser {
  readonly jar = new Map<string, string>();
  csrf = '';
  constructor(
    readonly base: string,
    readonly headers: Record<string, string> = {},
  ) {}

  async call(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Reply> {
    const res = await fetch(this.base + path, {
      method,
      headers: {
        ...(this.jar.size && { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ') }),
        ...(method !== 'GET' && { 'x-csrf-token': this.csrf }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...this.headers,
        ...extra,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const cookies = res.headers.getSetCookie().map((h) => parseSetCookie(h));
    for (const c of cookies) {
      if (!c.value || (c.expires && c.expires.getTime() < Date.now())) this.jar.delete(c.name);
      else this.jar.set(c.name, c.value);
    }
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : null;
    if (parsed?.csrfToken) this.csrf = parsed.csrfToken;
    return { status: res.status, body: parsed, headers: res.headers, cookies };
  }

  get = (p: string) => this.call('GET', p);
  post = (p: string, body?: unknown) => this.call('POST', p, body ?? {});
  del = (p: string, body?: unknown) => this.call('DELETE', p, body ?? {});

  /** Fetches a CSRF token as the dashboard does on load. */
  async open(): Promise<this> {
    await this.get('/api/session');
    return this;
  }
}
