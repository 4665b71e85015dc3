import { describe, expect, it } from 'vitest';
import { Browser, PASSWORD, authStack, uniqueEmail } from './support.ts';

const stack = authStack();

describe('register, log in, log out', () => {
  it('registers, is logged in at once, sees the profile and the login history', async () => {
    const s = stack();
    const email = uniqueEmail('Reg');
    const b = await s.browser({ 'user-agent': 'line-3-terminal' });
    const r = await b.post('/api/register', { email: `  ${email.toUpperCase()} `, name: ' Ana Worker ', password: PASSWORD });
    expect(r.status).toBe(201);
    expect(r.body.stage).toBe('full');
    expect(r.body.user).toMatchObject({ email: email.toLowerCase(), name: 'Ana Worker', face: { enabled: false, templates: 0, locked: false }, recoveryCodesLeft: 0 });
    expect(JSON.stringify(r.body)).not.toContain('scrypt');
    expect((await b.get('/api/me')).body.user.email).toBe(email.toLowerCase());

    await b.post('/api/logout');
    expect((await b.get('/api/me')).status).toBe(401);
    expect((await b.get('/api/session')).body.stage).toBe('anonymous');

    const login = await b.post('/api/login', { email, password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ stage: 'full', user: { email: email.toLowerCase() } });
    s.clock.advance(1000);
    await b.post('/api/login', { email, password: 'not the password at all' });
    const history = (await b.get('/api/me/logins')).body.logins;
    expect(history[0]).toMatchObject({ result: 'failure', method: 'password', ip: '127.0.0.1', userAgent: 'line-3-terminal' });
    expect(history[1]).toMatchObject({ result: 'success', method: 'password' });
  });

  it('refuses a second account with the same email, whatever its case', async () => {
    const s = stack();
    const { email } = await s.user();
    const b = await s.browser();
    const r = await b.post('/api/register', { email: email.toUpperCase(), name: 'X', password: PASSWORD });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'email_taken', field: 'email' });
  });

  it('names the field of bad input and stores nothing', async () => {
    const s = stack();
    const b = await s.browser();
    const cases: [unknown, string, string][] = [
      [{ email: 'not-an-email', name: 'A', password: PASSWORD }, 'invalid_field', 'email'],
      [{ email: uniqueEmail(), name: '', password: PASSWORD }, 'invalid_field', 'name'],
      [{ email: uniqueEmail(), name: 'A', password: 12345678 }, 'invalid_field', 'password'],
      [{ email: uniqueEmail(), name: 'A', password: 'short' }, 'weak_password', 'password'],
      [{ email: uniqueEmail(), name: 'A', password: 'iloveyou' }, 'weak_password', 'password'],
    ];
    for (const [body, code, field] of cases) {
      const r = await b.post('/api/register', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error).toMatchObject({ code, field });
    }
    const broken = await b.call('POST', '/api/register', undefined, { 'content-type': 'application/json' });
    expect(broken.status).toBe(400);
    const notJson = await fetch(`${s.url}/api/register`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': b.csrf, cookie: [...b.jar].map(([k, v]) => `${k}=${v}`).join('; ') }, body: '{"email":' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
  });

  it('a NUL or an unpaired surrogate in any field is a 400 naming it, at register and login, never a 500', async () => {
    const s = stack();
    const b = await s.browser();
    // Raw JSON: JSON.stringify would keep the lone surrogate as an escape, which is exactly what a client sends.
    const send = (path: string, json: string) =>
      fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': b.csrf, cookie: [...b.jar].map(([k, v]) => `${k}=${v}`).join('; ') }, body: json });
    const email = uniqueEmail();
    for (const [path, json, field] of [
      ['/api/register', `{"email":"nul\\u0000${email}","name":"A","password":"${PASSWORD}"}`, 'email'],
      ['/api/register', `{"email":"${email}","name":"A\\ud800","password":"${PASSWORD}"}`, 'name'],
      ['/api/register', `{"email":"${email}","name":"A","password":"${PASSWORD}\\udc00"}`, 'password'],
      ['/api/register', `{"email":"${email}","name":"A","password":"${PASSWORD}","extra":{"k\\u0000":1}}`, 'extra'],
      ['/api/login', `{"email":"${email}\\u0000","password":"${PASSWORD}"}`, 'email'],
      ['/api/login', `{"email":"${email}","password":"\\ud83d"}`, 'password'],
    ] as const) {
      const r = await send(path, json);
      expect(r.status, json).toBe(400);
      expect(((await r.json()) as { error: unknown }).error, json).toMatchObject({ code: 'invalid_field', field });
    }
    // Nothing was stored: the address is still free.
    expect((await b.post('/api/register', { email, name: 'A', password: PASSWORD })).status).toBe(201);
  });

  it('one address however its accents were typed (NFC): a decomposed é logs in to the account registered with a composed one', async () => {
    const s = stack();
    const composed = `zo\u00eb-${uniqueEmail()}`;
    const decomposed = composed.replace('\u00eb', 'e\u0308');
    expect(decomposed).not.toBe(composed);
    const b = await s.browser();
    expect((await b.post('/api/register', { email: composed, name: 'Zoë', password: PASSWORD })).status).toBe(201);
    expect((await (await s.browser()).post('/api/register', { email: decomposed.toUpperCase(), name: 'Zoë', password: PASSWORD })).body.error.code).toBe('email_taken');
    expect((await (await s.browser()).post('/api/login', { email: decomposed, password: PASSWORD })).status).toBe(200);
  });

  it('keeps a caller\'s X-Request-Id only when it looks like an id', async () => {
    const s = stack();
    const id = async (given: string) => (await fetch(`${s.url}/api/me`, { headers: { 'x-request-id': given } })).headers.get('x-request-id');
    expect(await id('3f0c2a9e-4b1d-4c1e-9f00-7d2b5e8a1c44')).toBe('3f0c2a9e-4b1d-4c1e-9f00-7d2b5e8a1c44');
    expect(await id('edge.req:42')).toBe('edge.req:42');
    for (const bad of ['<script>alert(1)</script>', 'x'.repeat(129), 'two words', '"quoted"']) expect(await id(bad), bad).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('accepts long passphrases, spaces and any script, without composition rules', async () => {
    const s = stack();
    for (const password of ['all lower case words here', 'ä'.repeat(8), 'x'.repeat(128), '長いパスワードです', 'Tr0ub4dor&3 but longer']) {
      const email = uniqueEmail();
      expect((await (await s.browser()).post('/api/register', { email, name: 'A', password })).status, password).toBe(201);
      expect((await (await s.browser()).post('/api/login', { email, password })).status, password).toBe(200);
    }
  });
});

describe('session cookies', () => {
  it('are __Host-, Secure, HttpOnly, SameSite=Strict, Path=/ without Domain', async () => {
    const s = stack();
    const b = await s.browser();
    const r = await b.post('/api/register', { email: uniqueEmail(), name: 'A', password: PASSWORD });
    const byName = Object.fromEntries(r.cookies.map((c) => [c.name, c]));
    for (const name of ['__Host-kv-session', '__Host-kv-csrf', '__Host-kv-device']) {
      expect(byName[name], name).toMatchObject({ secure: true, httpOnly: true, sameSite: 'strict', path: '/' });
      expect(byName[name]!.domain).toBeUndefined();
    }
    // 256 bits of randomness each (43 base64url characters).
    expect(byName['__Host-kv-session']!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('a new session id at login (the old one stops working) and on password change', async () => {
    const s = stack();
    const { b, email } = await s.user();
    const before = b.jar.get('__Host-kv-session')!;
    const stolen = new Browser(s.url);
    stolen.jar.set('__Host-kv-session', before);
    expect((await stolen.get('/api/me')).status).toBe(200);

    await b.post('/api/login', { email, password: PASSWORD });
    const after = b.jar.get('__Host-kv-session')!;
    expect(after).not.toBe(before);
    expect((await stolen.get('/api/me')).status).toBe(401);

    const other = await s.browser();
    await other.post('/api/login', { email, password: PASSWORD });
    const changed = await b.post('/api/me/password', { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' });
    expect(changed.status).toBe(200);
    expect(b.jar.get('__Host-kv-session')).not.toBe(after);
    expect((await b.get('/api/me')).status).toBe(200);
    expect((await other.get('/api/me')).status, 'other sessions end').toBe(401);
    expect((await (await s.browser()).post('/api/login', { email, password: 'a brand new passphrase' })).status).toBe(200);
    expect((await (await s.browser()).post('/api/login', { email, password: PASSWORD })).status).toBe(401);
  });

  it('"log out everywhere else" ends every other session of the account and keeps this one', async () => {
    const s = stack();
    const { b: here, email } = await s.user();
    const laptop = await s.browser();
    const phone = await s.browser();
    for (const x of [laptop, phone]) expect((await x.post('/api/login', { email, password: PASSWORD })).status).toBe(200);
    const other = await s.user();
    const r = await here.post('/api/me/sessions/end-others', {});
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ended: 2 });
    for (const x of [laptop, phone]) expect((await x.get('/api/me')).status).toBe(401);
    expect((await here.get('/api/me')).status).toBe(200);
    expect((await other.b.get('/api/me')).status, "another account's session is untouched").toBe(200);
    expect((await (await s.browser()).post('/api/me/sessions/end-others', {})).status).toBe(401);
  });

  it('ends after the idle limit (1 h) and the absolute limit (24 h)', async () => {
    const s = stack();
    const { b } = await s.user();
    s.clock.advance(59 * 60_000);
    expect((await b.get('/api/me')).status, 'active within the hour').toBe(200);
    // Kept busy: a request every 50 minutes until just before 24 h.
    for (let i = 0; i < 27; i++) {
      s.clock.advance(50 * 60_000);
      expect((await b.get('/api/me')).status, `after ${(i + 1) * 50 + 59} min`).toBe(200);
    }
    s.clock.advance(50 * 60_000);
    expect((await b.get('/api/me')).status, 'past 24 h').toBe(401);

    const idle = (await s.user()).b;
    s.clock.advance(61 * 60_000);
    expect((await idle.get('/api/me')).status, 'idle for 61 min').toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses state-changing requests without the token, with a wrong one, or from another site', async () => {
    const s = stack();
    const { b } = await s.user();
    const attempts: [string, Record<string, string>][] = [
      ['no header', { 'x-csrf-token': '' }],
      ['wrong token', { 'x-csrf-token': 'A'.repeat(43) }],
      ['cross-site fetch', { 'sec-fetch-site': 'cross-site' }],
      ['foreign origin', { origin: 'https://evil.example' }],
      ['opaque origin', { origin: 'null' }],
    ];
    for (const [what, headers] of attempts) {
      const r = await b.call('POST', '/api/me/recovery-codes', { password: PASSWORD }, headers);
      expect(r.status, what).toBe(403);
      expect(r.body.error.code, what).toBe('csrf_failed');
    }
    for (const [path, method] of [['/api/logout', 'POST'], ['/api/me', 'DELETE'], ['/api/register', 'POST'], ['/api/login', 'POST'], ['/api/me/password', 'POST']] as const) {
      expect((await b.call(method, path, {}, { 'x-csrf-token': '' })).status, path).toBe(403);
    }
    expect((await b.get('/api/me')).status, 'still logged in').toBe(200);
    expect((await b.call('POST', '/api/me/recovery-codes', { password: PASSWORD }, { origin: s.url })).status, 'same origin is fine').toBe(200);
  });

  it('a token from before login no longer works after it (tokens are bound to the session)', async () => {
    const s = stack();
    const { email } = await s.user();
    const b = await s.browser();
    const anonymousToken = b.csrf;
    await b.post('/api/login', { email, password: PASSWORD });
    expect(b.csrf).not.toBe(anonymousToken);
    const r = await b.call('POST', '/api/logout', {}, { 'x-csrf-token': anonymousToken });
    expect(r.status).toBe(403);
  });
});

describe('large bodies', () => {
  it('camera routes refuse a request without a session before reading its body', async () => {
    const s = stack();
    const b = await s.browser();
    const big = await b.call('POST', '/api/login/face', { images: ['A'.repeat(4 * 1024 * 1024)] });
    expect(big.status).toBe(401);
    expect(big.body.error.code).toBe('not_authenticated');
    const broken = await fetch(`${s.url}/api/me/face`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': b.csrf, cookie: [...b.jar].map(([k, v]) => `${k}=${v}`).join('; ') }, body: '{"images": [' });
    expect(broken.status, 'not parsed, so not a JSON error').toBe(401);
  });

  it('other routes take at most 16 KB', async () => {
    const s = stack();
    const b = await s.browser();
    const r = await b.post('/api/register', { email: uniqueEmail(), name: 'x'.repeat(20_000), password: PASSWORD });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('payload_too_large');
  });
});

describe('security headers and documents', () => {
  it('API answers are not cached, framed or sniffed; no framework banner', async () => {
    const s = stack();
    const r = await fetch(`${s.url}/api/session`);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(r.headers.get('x-powered-by')).toBeNull();
  });

  it('health, readiness, metrics and the OpenAPI document', async () => {
    const s = stack();
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    const ready = await (await fetch(`${s.url}/readyz`)).json();
    expect(ready).toEqual({ status: 'ready', checks: { database: 'ok' } });
    await s.user();
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toContain('auth_registrations_total');
    expect(metrics).toMatch(/auth_password_hash_seconds_count\{service="auth"\} [1-9]/);
    const doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as any;
    expect(doc.paths['/api/login'].post.responses['401']).toBeDefined();
  });
});

describe('deleting the account', () => {
  it('needs the password, then removes the account, its sessions and devices', async () => {
    const s = stack();
    const { b, email } = await s.user();
    const other = await s.browser();
    await other.post('/api/login', { email, password: PASSWORD });
    expect((await b.del('/api/me', { password: 'wrong wrong wrong' })).status).toBe(401);
    expect((await b.get('/api/me')).status).toBe(200);
    const r = await b.del('/api/me', { password: PASSWORD });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ deleted: true, stage: 'anonymous' });
    expect((await b.get('/api/me')).status).toBe(401);
    expect((await other.get('/api/me')).status).toBe(401);
    expect((await (await s.browser()).post('/api/login', { email, password: PASSWORD })).status).toBe(401);
    // The address is free again.
    expect((await (await s.browser()).post('/api/register', { email, name: 'Again', password: PASSWORD })).status).toBe(201);
  });
});
