import { describe, expect, it } from 'vitest';
import { answerAtFaceService, CLIP_TIMING, CLIP_TURN_DEG, followingCamera, mirror, segment, TURNS_A, TURNS_A2, type Camera } from '../../../test/support/webcam-clips.ts';
import { b64, face, faceService } from './support.ts';

/**
 * The head-turn check against the presentation attacks NIST SP 800-63B-4 asks to test
 * (photos, replays), with real frames: webcam clips of one man (test/fixtures/faces/clips.json)
 * and real photos. Every attack below may read the prompts and pick its frames from them,
 * which is more than a printed photo or a looping video can do.
 */
const svc = faceService({ FACE_LIVENESS: 'headturn', FACE_LIVENESS_TURN_DEG: CLIP_TURN_DEG, FACE_LIVENESS_STEPS: '2', ...CLIP_TIMING });
const BINDING = 'session-hash-0123456789abcdef';

let subjects = 0;
/** A subject enrolled with one frame of the man at rest. */
async function enrolled(call: ReturnType<typeof svc>['call']): Promise<string> {
  const subject = `webcam-man-${++subjects}`;
  const r = await call('POST', `/v1/subjects/${subject}/templates`, { images: [b64(segment('webcam-a', 'still')[0]!)] });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return subject;
}

async function verify(call: ReturnType<typeof svc>['call'], subject: string, id: string, binding = BINDING) {
  return call('POST', `/v1/subjects/${subject}/verify`, { challengeId: id, binding });
}

/**
 * The answer of a camera, judged: the verify response body. An attack that gets nowhere
 * gives up after `limit` requests (counted, not timed, so a busy machine changes nothing).
 */
async function attempt(call: ReturnType<typeof svc>['call'], subject: string, camera: Camera, limit = 40) {
  const { last } = await answerAtFaceService(call, subject, BINDING, camera, limit);
  const r = await verify(call, subject, last.id);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return { progress: last, verdict: r.body };
}

describe('active liveness: a head-turn challenge answered frame by frame', () => {
  it('passes a real person who turns as asked, each turn in its own window, and then matches', { timeout: 120_000 }, async () => {
    const { call } = svc();
    for (const turns of [TURNS_A, TURNS_A2]) {
      const subject = await enrolled(call);
      const { progress, verdict } = await attempt(call, subject, followingCamera(turns), 200);
      expect(progress).toMatchObject({ phase: 'complete', done: 2, steps: 2 });
      expect(verdict).toMatchObject({ match: true, liveness: { mode: 'headturn', passed: true } });
      expect(new Set(verdict.liveness.steps)).toEqual(new Set(['turn_left', 'turn_right']));
    }
  });

  it('refuses someone else who turns as asked: the check passes, the face does not match', { timeout: 60_000 }, async () => {
    const { call } = svc();
    const subject = 'studio-man';
    expect((await call('POST', `/v1/subjects/${subject}/templates`, { images: [b64(segment('studio-f', 'still')[0]!)] })).status).toBe(201);
    const { verdict } = await attempt(call, subject, followingCamera(TURNS_A), 200);
    expect(verdict).toMatchObject({ match: false, liveness: { passed: true } });
    expect(verdict.score).toBeLessThan(verdict.threshold);
  });

  it('reveals one step at a time, and only after the head has rested', async () => {
    const { call } = svc();
    const subject = await enrolled(call);
    const c = await call('POST', '/v1/liveness/challenges', { subject, binding: BINDING });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ phase: 'return', steps: 2, done: 0 });
    expect(c.body.step).toBeUndefined();
    const first = await call('POST', `/v1/liveness/challenges/${c.body.id}/frames`, { subject, binding: BINDING, images: [b64(segment('webcam-a', 'still')[0]!)] });
    expect(first.body).toMatchObject({ phase: 'hold' });
    expect(first.body.step).toBeUndefined();
  });

  it('refuses a photo and its mirror image sent as the two turns, whatever the order asked', { timeout: 120_000 }, async () => {
    const { call } = svc();
    const photo = face('basketball-man-1.jpg');
    const flipped = await mirror(photo);
    const subject = 'bball';
    expect((await call('POST', `/v1/subjects/${subject}/templates`, { images: [b64(face('basketball-man-2.jpg'))] })).status).toBe(201);
    for (let i = 0; i < 3; i++) {
      // The photo is turned to his own left (-23°); its mirror reads as the right turn.
      const { verdict } = await attempt(call, subject, (p) => [p.phase === 'turn' && p.step === 'turn_right' ? flipped : photo]);
      expect(verdict).toMatchObject({ match: false, liveness: { passed: false } });
      expect(['mirrored_frames', 'steps_not_followed', 'too_slow']).toContain(verdict.liveness.reason);
    }
  });

  it('refuses a fixed left-right-left set of frames', { timeout: 120_000 }, async () => {
    const { call } = svc();
    const subject = await enrolled(call);
    const left = segment('webcam-a', 'left')[7]!;
    const right = segment('webcam-a', 'right')[9]!;
    const still = segment('webcam-a', 'still')[0]!;
    const set = [still, left, right, left];
    for (let i = 0; i < 3; i++) {
      let k = 0;
      const { verdict } = await attempt(call, subject, () => [set[k++ % set.length]!]);
      expect(verdict.liveness.passed, JSON.stringify(verdict.liveness)).toBe(false);
      expect(verdict.match).toBe(false);
    }
  });

  it('refuses a looping clip of the user turning both ways, from any point of the loop', { timeout: 180_000 }, async () => {
    const { call } = svc();
    const subject = await enrolled(call);
    const loop = [...segment('webcam-a', 'still').slice(0, 8), ...segment('webcam-a', 'right'), ...segment('webcam-a', 'left').slice(3)];
    const outcomes: string[] = [];
    for (const start of [0, 8, 14, 24]) {
      let k = start;
      const { verdict } = await attempt(call, subject, () => [loop[k++ % loop.length]!, loop[k++ % loop.length]!]);
      outcomes.push(verdict.liveness.reason);
      expect(verdict.liveness.passed, JSON.stringify(verdict.liveness)).toBe(false);
    }
    expect(outcomes.every((r) => ['moved_too_soon', 'wrong_turn', 'steps_not_followed', 'too_slow'].includes(r))).toBe(true);
  });

  it('refuses a replay of the frames of an earlier login, even one that follows the prompts', { timeout: 120_000 }, async () => {
    const { call } = svc();
    const subject = await enrolled(call);
    const login = await attempt(call, subject, followingCamera(TURNS_A), 200);
    expect(login.verdict.match).toBe(true);
    // The attacker recorded those frames and plays each turn back when it is asked.
    const replay = await attempt(call, subject, followingCamera(TURNS_A), 200);
    expect(replay.progress.phase).toBe('complete');
    expect(replay.verdict).toMatchObject({ match: false, liveness: { passed: false, reason: 'replayed_frames' } });
  });

  it('refuses two stills (at rest, then turned) in place of a continuous turn', { timeout: 120_000 }, async () => {
    const { call } = svc();
    const subject = await enrolled(call);
    const still = segment('webcam-a', 'still')[0]!;
    const turned = { turn_left: segment('webcam-a', 'left')[7]!, turn_right: segment('webcam-a', 'right')[9]! };
    let k = 0;
    const { verdict } = await attempt(call, subject, (p) => [p.phase === 'turn' && k++ % 2 === 1 ? turned[p.step!] : still]);
    expect(verdict).toMatchObject({ match: false, liveness: { passed: false } });
  });

  it('refuses a real turn and its mirror image as the other turn', { timeout: 120_000 }, async () => {
    const { call } = svc();
    const subject = await enrolled(call);
    const left = segment('webcam-a', 'left');
    const mirrored = await Promise.all(left.map(mirror));
    const camera = followingCamera(TURNS_A);
    let queue: Buffer[] = [];
    let turning = -1;
    const { verdict } = await attempt(call, subject, (p) => {
      if (p.phase === 'turn' && turning !== p.done) {
        turning = p.done;
        queue = [...(p.step === 'turn_left' ? left : mirrored)];
      }
      return queue.length ? queue.splice(0, 2) : camera({ ...p, phase: 'hold' });
    });
    expect(verdict).toMatchObject({ match: false, liveness: { passed: false } });
    expect(verdict.liveness.reason).toBe('mirrored_frames');
  });

  it('refuses a challenge answered for another session or subject, and leaves it to its owner', { timeout: 120_000 }, async () => {
    const { call } = svc();
    const subject = await enrolled(call);
    const other = await enrolled(call);
    const c = await call('POST', '/v1/liveness/challenges', { subject, binding: BINDING });
    const frame = { images: [b64(segment('webcam-a', 'still')[0]!)] };
    const asOther = await call('POST', `/v1/liveness/challenges/${c.body.id}/frames`, { subject, binding: 'another-session-0123456789', ...frame });
    expect(asOther.status).toBe(403);
    expect(asOther.body.error).toMatchObject({ code: 'challenge_not_yours', field: 'challengeId' });
    expect((await call('POST', `/v1/liveness/challenges/${c.body.id}/frames`, { subject: other, binding: BINDING, ...frame })).status).toBe(403);
    expect((await verify(call, subject, c.body.id, 'another-session-0123456789')).status).toBe(403);
    expect((await verify(call, other, c.body.id)).status).toBe(403);
    // Not consumed by those tries: the owner's answer goes on.
    expect((await call('POST', `/v1/liveness/challenges/${c.body.id}/frames`, { subject, binding: BINDING, ...frame })).body.phase).toBe('hold');
  });

  it('says what is wrong with a bad challenge request, and judges each answer once', async () => {
    const { call } = svc();
    const subject = await enrolled(call);
    const noChallenge = await call('POST', `/v1/subjects/${subject}/verify`, { images: [b64(segment('webcam-a', 'still')[0]!)] });
    expect(noChallenge.body.error).toMatchObject({ code: 'challenge_required', field: 'challengeId' });
    for (const bad of ['a\u0000b', '\ud800', 'x'.repeat(300), 42]) {
      const r = await call('POST', `/v1/subjects/${subject}/verify`, { challengeId: bad, binding: BINDING });
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.error.field).toBe('challengeId');
    }
    expect((await call('POST', '/v1/liveness/challenges/not-a-uuid/frames', { subject, binding: BINDING, images: [] })).body.error).toMatchObject({ field: 'id' });
    expect((await call('POST', '/v1/liveness/challenges', { subject, binding: 'short' })).body.error).toMatchObject({ field: 'binding' });
    expect((await call('POST', '/v1/liveness/challenges', { subject: 'nobody-enrolled', binding: BINDING })).status).toBe(404);
    const c = await call('POST', '/v1/liveness/challenges', { subject, binding: BINDING });
    const withImages = await call('POST', `/v1/subjects/${subject}/verify`, { challengeId: c.body.id, binding: BINDING, images: [b64(segment('webcam-a', 'still')[0]!)] });
    expect(withImages.body.error).toMatchObject({ field: 'images' });
    const first = await verify(call, subject, c.body.id);
    expect(first.body).toMatchObject({ match: false, liveness: { passed: false, reason: 'steps_not_followed' } });
    expect((await verify(call, subject, c.body.id)).body.error.code).toBe('challenge_expired');
  });
});
