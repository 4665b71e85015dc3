import { randomInt } from 'node:crypto';
import type { DetectedFace } from './detect.ts';

/**
 * Active liveness: the subject turns the head as asked, in an order chosen by the
 * server. A printed photo or a replayed frontal video cannot follow a random order.
 * Steps are the subject's own left and right.
 */
export const STEPS = ['turn_left', 'turn_right'] as const;
export type Step = (typeof STEPS)[number];

/**
 * human's yaw is negative when the subject turns toward their own left (nose toward the
 * image's right) and positive toward their right, in frames as the camera delivers them
 * (measured: test/fixtures/faces/measurements.md). A selfie preview may be mirrored on
 * screen; the frames sent must not be.
 */
export const YAW_SIGN: Record<Step, 1 | -1> = { turn_left: -1, turn_right: 1 };

export function newSteps(): Step[] {
  return randomInt(2) === 0 ? ['turn_left', 'turn_right'] : ['turn_right', 'turn_left'];
}

export interface ChallengeOutcome {
  passed: boolean;
  /** Why it failed, machine-readable. */
  reason?: 'steps_not_followed' | 'different_people' | 'no_frontal_frame';
  /** Yaw of each frame in degrees, as observed. */
  yawDeg: number[];
}

/**
 * The frames pass when every step's turn is reached, in the asked order, by faces that
 * are all the same person (each frame close enough to the frontal one).
 */
export function judgeHeadTurn(
  steps: Step[],
  frames: DetectedFace[],
  frontal: DetectedFace | null,
  turnDeg: number,
  sameness: (a: DetectedFace, b: DetectedFace) => boolean,
): ChallengeOutcome {
  const yawDeg = frames.map((f) => Math.round(f.yawDeg * 10) / 10);
  if (!frontal) return { passed: false, reason: 'no_frontal_frame', yawDeg };
  if (!frames.every((f) => sameness(f, frontal))) return { passed: false, reason: 'different_people', yawDeg };
  let from = 0;
  for (const step of steps) {
    const at = frames.findIndex((f, i) => i >= from && f.yawDeg * YAW_SIGN[step] >= turnDeg);
    if (at < 0) return { passed: false, reason: 'steps_not_followed', yawDeg };
    from = at + 1;
  }
  return { passed: true, yawDeg };
}
