import { describe, expect, it } from 'vitest';
import { YAW_SIGN, judgeHeadTurn, newSteps, type Step } from '../src/engine/challenge.ts';
import type { DetectedFace } from '../src/engine/detect.ts';

const frame = (yawDeg: number, who = 1): DetectedFace => ({
  box: [0, 0, 100, 100],
  boxScore: 0.9,
  faceScore: 1,
  yawDeg,
  pitchDeg: 0,
  rollDeg: 0,
  real: 0.5,
  live: 0.5,
  embedding: new Float32Array([who]),
});
const same = (a: DetectedFace, b: DetectedFace) => a.embedding[0] === b.embedding[0];
const left = YAW_SIGN.turn_left;
const judge = (steps: Step[], yaws: number[], who: number[] = yaws.map(() => 1)) => {
  const frames = yaws.map((y, i) => frame(y, who[i]));
  const frontal = frames.find((f) => Math.abs(f.yawDeg) < 10) ?? null;
  return judgeHeadTurn(steps, frames, frontal, 15, same);
};

describe('head-turn challenge', () => {
  it('passes when the turns come in the asked order', () => {
    expect(judge(['turn_left', 'turn_right'], [0, 20 * left, 2, -22 * left])).toMatchObject({ passed: true });
  });

  it('fails when the order is reversed', () => {
    expect(judge(['turn_left', 'turn_right'], [0, -20 * left, 0, 20 * left])).toMatchObject({ passed: false, reason: 'steps_not_followed' });
  });

  it('fails when a turn is too small (a photo tilted a little)', () => {
    expect(judge(['turn_right', 'turn_left'], [0, -10 * left, 10 * left])).toMatchObject({ passed: false, reason: 'steps_not_followed' });
  });

  it('fails when the frames show different people', () => {
    expect(judge(['turn_left', 'turn_right'], [0, 20 * left, -20 * left], [1, 2, 1])).toMatchObject({ passed: false, reason: 'different_people' });
  });

  it('fails without a frontal frame to match against', () => {
    expect(judge(['turn_left', 'turn_right'], [20 * left, -20 * left, 18 * left])).toMatchObject({ passed: false, reason: 'no_frontal_frame' });
  });

  it('asks for both turns, in either order', () => {
    const orders = new Set(Array.from({ length: 64 }, () => newSteps().join(',')));
    expect(orders).toEqual(new Set(['turn_left,turn_right', 'turn_right,turn_left']));
  });
});
