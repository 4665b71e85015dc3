import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config.ts';
import { authSettings, loadAuthConfig } from '../src/config.ts';
import { operations } from '../src/openapi.ts';
import { authRoutes } from '../src/routes.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const base = { FACE_SERVICE_URL: 'http://face:8080', FACE_SERVICE_TOKEN: 'secret-token' };

describe('configuration from the environment', () => {
  it('names each missing or invalid variable, and never echoes a secret', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadAuthConfig(env);
        return [];
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).problems;
      }
    };
    expect(problems({})).toEqual([expect.stringMatching(/^FACE_SERVICE_URL: is required/), expect.stringMatching(/^FACE_SERVICE_TOKEN: is required/)]);
    expect(problems({ ...base, FACE_SERVICE_URL: 'face:8080' })).toEqual([expect.stringMatching(/^FACE_SERVICE_URL: must be an http/)]);
    expect(problems({ ...base, AUTH_COOKIE_SECURE: 'yes please' })).toEqual([expect.stringMatching(/^AUTH_COOKIE_SECURE: must be true or false/)]);
    expect(problems({ ...base, AUTH_SESSION_IDLE_MINUTES: '0' })).toEqual([expect.stringMatching(/^AUTH_SESSION_IDLE_MINUTES: must be a whole number from 1 to 1440/)]);
    expect(problems({ ...base, AUTH_SCRYPT_LOG_N: '10' }), 'no weaker than 2^14').toEqual([expect.stringMatching(/^AUTH_SCRYPT_LOG_N/)]);
    expect(problems({ ...base, AUTH_PASSWORD_MIN_LENGTH: '6' })).toEqual([expect.stringMatching(/^AUTH_PASSWORD_MIN_LENGTH/)]);
    expect(loadAuthConfig({ ...base, FACE_SERVICE_URL: 'http://face:8080/' }).faceServiceUrl, 'trailing slash dropped').toBe('http://face:8080');
  });

  it('the service refuses to start with a bad setting and says which', () => {
    const r = spawnSync(process.execPath, ['apps/auth/main.mjs'], { cwd: ROOT, env: { PATH: process.env.PATH, FACE_SERVICE_TOKEN: 'x', AUTH_SESSION_ABSOLUTE_HOURS: 'forever' }, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    const fatal = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(fatal.level).toBe('fatal');
    expect(fatal.problems).toEqual([expect.stringMatching(/^FACE_SERVICE_URL: is required/), expect.stringMatching(/^AUTH_SESSION_ABSOLUTE_HOURS: must be a whole number/)]);
  });
});

describe('documents', () => {
  it('the README documents every setting', () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');
    for (const s of Object.values(authSettings)) expect(readme, s.env).toContain(`\`${s.env}\``);
  });

  it('the OpenAPI document and API.md list exactly the routes the router serves', () => {
    const router = authRoutes({} as never, {} as never, {} as never) as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
    const served = router.stack.flatMap((l) => (l.route ? Object.keys(l.route.methods).map((m) => `${m.toUpperCase()} /api${l.route!.path}`) : [])).sort();
    const documented = Object.entries(operations)
      .flatMap(([p, ops]) => Object.entries(ops).filter(([, op]) => op).map(([m]) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`))
      .sort();
    expect(documented).toEqual(served);
    const apiMd = readFileSync(path.resolve(import.meta.dirname, '../API.md'), 'utf8');
    for (const route of served) expect(apiMd, route).toContain(`\`${route}\``);
  });
});
