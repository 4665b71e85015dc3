import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { b64, face, faceService } from './support.ts';

const svc = faceService({ FACE_LIVENESS: 'headturn' });

/**
 * Real frames of one man (consecutive video frames). His head is turned about 23° to his
 * own left; the mirrored frame stands in for the same turn to his right.
 */
const turnedLeft = face('basketball-man-1.jpg');
const turnedRight = () => sharp(turnedLeft).flop().jpeg({ quality: 92 }).toBuffer();

async function challenge(call: ReturnType<typeof svc>['call']) {
  const r = await call('POST', '/v1/liveness/challenges');
  expect(r.status).toBe(201);
  return r.body as { id: string; steps: ('turn_left' | 'turn_right')[]; expiresAt: string; turnDeg: number };
}

describe('active liveness: a head-turn challenge', () => {
  it('passes when the frames follow the asked turns, and then matches', async () => {
    const { call } = svc();
    expect((await call('POST', '/v1/subjects/bball/templates', { images: [b64(face('basketball-man-2.jpg'))] })).status).toBe(201);
    const c = await challenge(call);
    expect([...c.steps].sort()).toEqual(['turn_left', 'turn_right']);
    const frames = await Promise.all(c.steps.map(async (s) => (s === 'turn_left' ? turnedLeft : await turnedRight())));
    const r = await call('POST', '/v1/subjects/bball/verify', { images: [...frames, turnedLeft].map(b64), challengeId: c.id });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.liveness).toMatchObject({ mode: 'headturn', passed: true, steps: c.steps });
    expect(r.body.match).toBe(true);
  });

  it('refuses a still photograph held in front of the camera', async () => {
    const { call } = svc();
    await call('POST', '/v1/subjects/astro/templates', { images: [b64(face('astronaut-1.jpg'))] });
    const c = await challenge(call);
    const r = await call('POST', '/v1/subjects/astro/verify', { images: Array(4).fill(b64(face('astronaut-1.jpg'))), challengeId: c.id });
    expect(r.body).toMatchObject({ match: false, liveness: { passed: false, reason: 'steps_not_followed' } });
    expect(r.body.score).toBeGreaterThan(0.9);
  });

  it('refuses the turns in the wrong order (a replayed recording)', async () => {
    const { call } = svc();
    await call('POST', '/v1/subjects/bball2/templates', { images: [b64(face('basketball-man-2.jpg'))] });
    const c = await challenge(call);
    const frames = await Promise.all([...c.steps].reverse().map(async (s) => (s === 'turn_left' ? turnedLeft : await turnedRight())));
    const r = await call('POST', '/v1/subjects/bball2/verify', { images: [turnedLeft, ...frames].map(b64), challengeId: c.id });
    // The first frame already shows one turn, so only the asked order decides.
    if (c.steps[0] === 'turn_left') expect(r.body.liveness.passed).toBe(true);
    else expect(r.body).toMatchObject({ match: false, liveness: { passed: false, reason: 'steps_not_followed' } });
  });

  it('refuses frames of different people', async () => {
    const { call } = svc();
    await call('POST', '/v1/subjects/bball3/templates', { images: [b64(face('basketball-man-2.jpg'))] });
    const c = await challenge(call);
    const stranger = face('cameraman-1.jpg');
    const frames = await Promise.all(c.steps.map(async (s) => (s === 'turn_left' ? stranger : await turnedRight())));
    const r = await call('POST', '/v1/subjects/bball3/verify', { images: [face('basketball-man-2.jpg'), ...frames].map(b64), challengeId: c.id });
    expect(r.body).toMatchObject({ match: false, liveness: { passed: false, reason: 'different_people' } });
  });

  it('needs a challenge, answers each one once, and says so', async () => {
    const { call } = svc();
    await call('POST', '/v1/subjects/once/templates', { images: [b64(face('basketball-man-2.jpg'))] });
    const noChallenge = await call('POST', '/v1/subjects/once/verify', { images: [b64(turnedLeft)] });
    expect(noChallenge.body.error).toMatchObject({ code: 'challenge_required', field: 'challengeId' });
    const c = await challenge(call);
    const body = { images: [turnedLeft, turnedLeft, turnedLeft].map(b64), challengeId: c.id };
    expect((await call('POST', '/v1/subjects/once/verify', body)).status).toBe(200);
    expect((await call('POST', '/v1/subjects/once/verify', body)).body.error.code).toBe('challenge_expired');
    const tooFew = await call('POST', '/v1/subjects/once/verify', { images: [b64(turnedLeft)], challengeId: (await challenge(call)).id });
    expect(tooFew.body.error).toMatchObject({ code: 'invalid_field', field: 'images' });
  });
});
