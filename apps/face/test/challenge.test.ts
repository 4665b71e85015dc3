import { describe, expect, it } from 'vitest';
import { advance, newHolds, newSteps, startState, YAW_SIGN, type HeadTurnState, type Step } from '../src/engine/challenge.ts';

/**
 * The decision rules on numbers alone; liveness.test.ts runs them on real frames. Each
 * frame gets its own scene, so the same-picture checks stay out of the way here.
 */
const rules = { turnDeg: 15, stepSeconds: 10, maxFrames: 80 };
let sceneSeed = 0;
const scene = () => {
  const s = new Uint8Array(256);
  const base = ++sceneSeed;
  for (let i = 0; i < 256; i++) s[i] = (i * 7 + (i % 16 < 8 ? 40 : 0) + (i >> 4) * 3) % 256;
  // A small change per frame: successive frames of one capture.
  s[base % 256] = (s[base % 256]! + 9) % 256;
  return s;
};
const obs = (yawDeg: number, who = 1) => ({ yawDeg, frontal: Math.abs(yawDeg) <= 25, scene: scene(), sameness: () => (who === 1 ? 0.9 : 0.2) });

/** Feeds yaws one frame a request, `dt` ms apart, from t = 0. */
function run(steps: Step[], yaws: number[], opts: { who?: number[]; dt?: number; holds?: number[] } = {}): HeadTurnState {
  const st = startState(steps, opts.holds ?? steps.map(() => 500));
  yaws.forEach((y, i) => advance(st, [obs(y, opts.who?.[i] ?? 1)], i * (opts.dt ?? 200), rules));
  return st;
}
const L = YAW_SIGN.turn_left;
/** At rest for a second (the hold), then a continuous turn in `dir`, then back. */
const rest = [0, 1, 0, -1, 0, 1];
const turn = (dir: number) => [3, 8, 12, 17, 20, 14, 6, 1].map((d) => d * dir);

describe('head-turn challenge rules', () => {
  it('passes continuous turns in the asked order, each after a rest', () => {
    const st = run(['turn_left', 'turn_right'], [...rest, ...turn(L), ...rest, ...turn(-L), ...rest]);
    expect(st.failed).toBeUndefined();
    expect(st.current).toBe(2);
    expect(st.frames.filter((f) => f.completes)).toHaveLength(2);
  });

  it('fails a turn the other way than asked', () => {
    expect(run(['turn_left', 'turn_right'], [...rest, ...turn(-L)]).failed).toBe('wrong_turn');
  });

  it('fails a turn made before the step was asked (during the rest)', () => {
    expect(run(['turn_left', 'turn_right'], [0, 0, ...turn(L)]).failed).toBe('moved_too_soon');
  });

  it('does not count a jump from rest to turned without the way between (two stills)', () => {
    const st = run(['turn_left', 'turn_right'], [...rest, 0, 20 * L, 0, 20 * L, 0, 20 * L]);
    expect(st.current).toBe(0);
  });

  it('fails a step not made within its time', () => {
    expect(run(['turn_left', 'turn_right'], [...rest, 0, 0, 0, 0, 0, 8 * L], { dt: 2000 }).failed).toBe('too_slow');
  });

  it('fails frames of different people', () => {
    expect(run(['turn_left', 'turn_right'], [...rest, ...turn(L)], { who: [1, 1, 1, 2] }).failed).toBe('different_people');
  });

  it('waits for a frontal frame before anything counts', () => {
    const st = run(['turn_left', 'turn_right'], [40, 40, 0]);
    expect(st.frames).toHaveLength(1);
    expect(st.baselineYawDeg).toBe(0);
  });

  it('measures turns from the first frontal frame, not from the camera axis', () => {
    const st = run(['turn_left', 'turn_right'], [...rest, ...turn(L), ...rest, ...turn(-L), ...rest].map((y) => y + 10));
    expect(st.current).toBe(2);
  });

  it('refuses the same picture mirrored', () => {
    const st = startState(['turn_left', 'turn_right'], [0, 0]);
    const a = scene();
    const flipped = new Uint8Array(256).map((_, i) => a[(i & ~15) + 15 - (i & 15)]!);
    advance(st, [{ ...obs(0), scene: a }], 0, rules);
    advance(st, [{ ...obs(1), scene: flipped }], 100, rules);
    expect(st.failed).toBe('mirrored_frames');
  });

  it('asks for every direction, in random order, after a hidden rest of 0.6 to 1.6 s', () => {
    const orders = new Set(Array.from({ length: 64 }, () => newSteps(2).join(',')));
    expect(orders).toEqual(new Set(['turn_left,turn_right', 'turn_right,turn_left']));
    for (let i = 0; i < 32; i++) expect(new Set(newSteps(3))).toEqual(new Set(['turn_left', 'turn_right']));
    expect(newHolds(50).every((h) => h >= 600 && h <= 1600)).toBe(true);
  });
});
