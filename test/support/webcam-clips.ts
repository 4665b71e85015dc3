import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/**
 * Real webcam frames (test/fixtures/faces/clips.json): one man in a room, two recordings,
 * 10 frames a second. His turns reach about 10° from where he looks at rest, so tests that
 * answer with them set the needed turn (FACE_LIVENESS_TURN_DEG) to 6°; attacks are tried
 * at that same, easier setting.
 */
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/faces');
const manifest = JSON.parse(readFileSync(path.join(FIXTURES, 'clips.json'), 'utf8')) as Record<string, { segments: Record<string, { from: number; to: number }> }>;

export const CLIP_TURN_DEG = '6';

/**
 * Time limits wide enough for a machine busy with other tests: a step gets 60 s and a
 * challenge 10 min (the product: 10 s and 2 min; the rule itself is tested on numbers in
 * challenge.test.ts). Only the hidden rest before each step stays as it is.
 */
export const CLIP_TIMING = { FACE_LIVENESS_STEP_SECONDS: '60', FACE_LIVENESS_TTL_SECONDS: '600' };

/** The frames of one named segment, in order. */
export type Clip = 'webcam-a' | 'webcam-b' | 'studio-f';

export function segment(clip: Clip, name: string): Buffer[] {
  const s = manifest[clip]!.segments[name];
  if (!s) throw new Error(`${clip} has no segment ${name}`);
  return Array.from({ length: s.to - s.from + 1 }, (_, i) => readFileSync(path.join(FIXTURES, 'clips', `${clip}-${String(s.from + i).padStart(4, '0')}.jpg`)));
}

export const mirror = (b: Buffer) => sharp(b).flop().jpeg({ quality: 90 }).toBuffer();

export interface Progress {
  id: string;
  steps: number;
  done: number;
  phase: 'return' | 'hold' | 'turn' | 'complete' | 'failed';
  step?: 'turn_left' | 'turn_right';
  reason?: string;
}

/**
 * What a camera shows next, given where the answer stands: an honest user looks at the
 * camera until asked, then turns as asked; an attack may ignore the prompts.
 */
export type Camera = (p: Progress) => Buffer[] | Promise<Buffer[]>;

/** Segments of one stretch of a recording: the head at rest, and turns that start from there. */
export interface Turns {
  still: string;
  turn_left: string[];
  turn_right: string[];
}
/** Two stretches of webcam-a, 20 s apart: splicing across them would be a cut, not one capture. */
export const TURNS_A: Turns = { still: 'still', turn_left: ['left'], turn_right: ['right'] };
export const TURNS_A2: Turns = { still: 'still2', turn_left: ['left2'], turn_right: ['right2'] };

/** The webcam of someone who follows the prompts: at rest until asked, then the asked turn. */
export function followingCamera(turns: Turns, clip: Clip = 'webcam-a'): Camera {
  const still = segment(clip, turns.still);
  let s = 0;
  const used = { turn_left: 0, turn_right: 0 };
  let queue: Buffer[] = [];
  let turning = -1;
  return (p) => {
    if (p.phase === 'turn' && turning !== p.done) {
      turning = p.done;
      const names = turns[p.step!];
      queue = segment(clip, names[used[p.step!]++ % names.length]!);
    }
    if (queue.length) return queue.splice(0, 2);
    // Looking at the camera: the still segment forwards, then backwards, like a person at rest.
    const i = s++ % (2 * still.length - 2);
    return [still[i < still.length ? i : 2 * still.length - 2 - i]!];
  };
}

/**
 * Sends frames from the camera until the answer completes or fails (or `limit` requests):
 * `start` asks for the challenge, `send` posts frames to it (face service or auth).
 */
export async function answer(
  start: () => Promise<Progress>,
  send: (p: Progress, images: string[]) => Promise<Progress>,
  camera: Camera,
  limit = 150,
): Promise<{ challenge: Progress; last: Progress }> {
  const challenge = await start();
  let p = challenge;
  for (let n = 0; n < limit && p.phase !== 'complete' && p.phase !== 'failed'; n++) {
    p = await send(p, (await camera(p)).map((b) => b.toString('base64')));
  }
  return { challenge, last: p };
}

/** `answer` against the face service's own API. */
export function answerAtFaceService(call: (method: string, p: string, body?: unknown) => Promise<{ status: number; body: any }>, subject: string, binding: string, camera: Camera, limit?: number) {
  const ok = (what: string, r: { status: number; body: any }, status: number) => {
    if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as Progress;
  };
  return answer(
    async () => ok('challenge', await call('POST', '/v1/liveness/challenges', { subject, binding }), 201),
    async (p, images) => ok('frames', await call('POST', `/v1/liveness/challenges/${p.id}/frames`, { subject, binding, images }), 200),
    camera,
    limit,
  );
}
