import { describe, expect, it } from 'vitest';
import { documentedRoutes, probes, servedRoutes } from '../../shared/test/route-checks.ts';
import { authRouteTable } from '../src/routes.ts';
import { authStack, type Browser } from './support.ts';

const stack = authStack();
const { probes: byRoute, open } = probes('/api', authRouteTable);

describe('bad input on every route of the table is a 400 naming the field, from the running service', () => {
  // Signed in, fully: a route's session check (401) comes before its input, its role and stage checks after.
  let signedIn: Browser | undefined;
  const browser = async () => (signedIn ??= (await stack().user()).b);

  it('every body refuses unknown fields but the face step (requests.ts says why)', () => expect(open).toEqual(['POST /api/login/face']));

  for (const [route, list] of byRoute) {
    it(`${route}: an unknown field and each field of the wrong type`, async () => {
      const b = await browser();
      for (const p of list) {
        const r = await b.call(p.method, p.path, p.body);
        expect(r.status, `${p.what}: ${JSON.stringify(r.body)}`).toBe(400);
        expect(r.body.error, p.what).toMatchObject({ code: p.code, field: p.field, message: expect.stringMatching(new RegExp(`^${p.field}: `)) });
      }
    });
  }
});

describe('the OpenAPI document', () => {
  it('lists exactly the routes the Express app registers, method and path', async () => {
    const s = stack();
    const doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    // The document does not list itself.
    const served = servedRoutes(s.auth.app).filter((r) => r !== 'GET /openapi.json');
    expect(served).toContain('POST /api/admin/users/{id}/role');
    expect(documentedRoutes(doc)).toEqual(served);
  });
});
