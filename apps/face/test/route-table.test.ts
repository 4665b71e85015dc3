import { describe, expect, it } from 'vitest';
import { documentedRoutes, probes, servedRoutes } from '../../shared/test/route-checks.ts';
import { faceRouteTable } from '../src/routes.ts';
import { faceService } from './support.ts';

// Liveness on: POST /v1/liveness/challenges answers 409 before its body without it.
const svc = faceService();
const { probes: byRoute, open } = probes('/v1', faceRouteTable);

describe('bad input on every route of the table is a 400 naming the field, from the running service', () => {
  it('every body refuses unknown fields', () => expect(open).toEqual([]));

  for (const [route, list] of byRoute) {
    it(`${route}: an unknown field and each field of the wrong type`, async () => {
      const { call } = svc();
      for (const p of list) {
        const r = await call(p.method, p.path, p.body);
        expect(r.status, `${p.what}: ${JSON.stringify(r.body)}`).toBe(400);
        expect(r.body.error, p.what).toMatchObject({ code: p.code, field: p.field, message: expect.stringMatching(new RegExp(`^${p.field.replace(/[[\]]/g, '\\$&')}: `)) });
      }
    });
  }
});

describe('the OpenAPI document', () => {
  it('lists exactly the routes the Express app registers, method and path', async () => {
    const { url, server } = svc();
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    // The document does not list itself.
    const served = servedRoutes(server.app).filter((r) => r !== 'GET /openapi.json');
    expect(served).toContain('POST /v1/subjects/{subject}/verify');
    expect(documentedRoutes(doc)).toEqual(served);
  });
});
