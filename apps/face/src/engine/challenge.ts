import { randomInt } from 'node:crypto';
import { difference, mirrored } from './appearance.ts';

/**
 * Active liveness: the subject turns the head as asked, one step at a time, in an order
 * chosen by the server and revealed a step at a time. Steps are the subject's own left
 * and right.
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

/** `count` steps in random order, each direction at least once. */
export function newSteps(count: number): Step[] {
  for (;;) {
    const steps = Array.from({ length: count }, () => STEPS[randomInt(2)]!);
    if (STEPS.every((s) => steps.includes(s))) return steps;
  }
}

/**
 * Before each step the head must rest near the start for a time only the server knows
 * (0.6 to 1.6 s): a person waits for the prompt, a looping clip keeps moving.
 */
export const newHolds = (count: number): number[] => Array.from({ length: count }, () => 600 + randomInt(1001));

/**
 * Limits on whole-frame thumbnails (appearance.ts), from the clips and photos measured in
 * test/fixtures/faces/liveness.md:
 * - a frame and the mirror image of another frame of the same answer: a mirrored copy
 *   differs by 0.02 or less, the most symmetric real frame from its own mirror by 7.9,
 *   and a real turn from the mirror of the opposite turn by 30 or more;
 * (Whole-frame differences cannot tell a cut from motion: two frames 0.3 s apart of a
 * close-up of a moving head differ by up to 17, two recordings of one man in one room by
 * 6.4. So a turn's continuity is judged by its angles, not by pictures.)
 * - a frame and a replayed copy of it (re-encoded, brightened, resized) by at most 1.2,
 *   frames of two captures by 6.4 or more.
 */
export const MIRROR_LIMIT = 3;
export const REPLAY_LIMIT = 2;

/** Below this cosine similarity two frames of one answer are not taken as one person. */
export const SAME_PERSON = 0.45;

export const LIVENESS_FAILURES = [
  'different_people',
  'mirrored_frames',
  'wrong_turn',
  'moved_too_soon',
  'too_slow',
  'too_many_frames',
  'steps_not_followed',
  'replayed_frames',
] as const;
export type LivenessFailure = (typeof LIVENESS_FAILURES)[number];

/** What the check keeps of one frame: no image, no embedding. */
export interface FrameRecord {
  /** Server time the frame arrived, ms since the epoch. */
  at: number;
  /** The step whose window the frame fell in. */
  step: number;
  /** Yaw relative to the answer's first frontal frame, degrees. */
  turnDeg: number;
  /** Cosine similarity to the first frontal frame. */
  sameness: number;
  /** Whole-frame thumbnail, base64. */
  scene: string;
  /** The frame that completed its step. */
  completes?: boolean;
}

/** The progress of one answer, as stored between the frames that make it. */
export interface HeadTurnState {
  steps: Step[];
  /** How long the head rests before each step, ms: never shown to the client. */
  holds: number[];
  /** The step being worked on; steps.length once every step is done. */
  current: number;
  /**
   * return: waiting for the head back near the start; hold: resting there until the step
   * is asked; turn: the step is asked, and its window is open.
   */
  phase: 'return' | 'hold' | 'turn';
  /** When the current hold ends (ms since the epoch). */
  holdUntil?: number;
  /** When each step was asked (ms since the epoch): the window of step k opens then and closes when it completes. */
  askedAt: number[];
  /** Yaw of the first frontal frame: turns are measured from it. */
  baselineYawDeg?: number;
  /** Whether the current step's window has seen the head part way into the asked turn. */
  midway: boolean;
  frames: FrameRecord[];
  failed?: LivenessFailure;
}

/** One analysed frame, as the check needs it. */
export interface Observation {
  yawDeg: number;
  frontal: boolean;
  /** Cosine similarity to the first frontal frame of the answer (1 for that frame itself). */
  sameness: (isBaseline: boolean) => number;
  scene: Uint8Array;
}

export interface HeadTurnRules {
  turnDeg: number;
  stepSeconds: number;
  maxFrames: number;
}

export function startState(steps: Step[], holds: number[]): HeadTurnState {
  return { steps, holds, current: 0, phase: 'return', askedAt: [], midway: false, frames: [] };
}

export const scene = (r: FrameRecord) => new Uint8Array(Buffer.from(r.scene, 'base64'));

/**
 * Takes the frames of one request, all arrived at `now`, in the order they were taken.
 * Each step is asked only after the head has rested near the start for its hold, and
 * passes with a continuous turn inside its own window: from the start, through part of
 * the way, to the asked angle, without turning the other way. Frames left in a request
 * once a step is asked or completed were taken before that moment, so they are dropped.
 * Returns how many frames were used, and which one set the baseline (the caller keeps
 * that frame's embedding).
 */
export function advance(state: HeadTurnState, observations: Observation[], now: number, rules: HeadTurnRules): { used: number; baselineAt?: number } {
  let used = 0;
  let baselineAt: number | undefined;
  const fail = (reason: LivenessFailure) => {
    state.failed ??= reason;
  };
  for (const [i, o] of observations.entries()) {
    if (state.failed || state.current >= state.steps.length) break;
    if (state.phase === 'turn' && now - state.askedAt[state.current]! > rules.stepSeconds * 1000) {
      fail('too_slow');
      break;
    }
    if (state.frames.length >= rules.maxFrames) {
      fail('too_many_frames');
      break;
    }
    const isBaseline = state.baselineYawDeg === undefined;
    // The answer starts at a frontal frame: until one comes, frames only guide the user.
    if (isBaseline && !o.frontal) continue;
    if (isBaseline) {
      state.baselineYawDeg = o.yawDeg;
      baselineAt = i;
    }
    used++;
    const turn = o.yawDeg - state.baselineYawDeg!;
    const image = o.scene;
    const record: FrameRecord = { at: now, step: state.current, turnDeg: Math.round(turn * 10) / 10, sameness: Math.round(o.sameness(isBaseline) * 1e4) / 1e4, scene: Buffer.from(image).toString('base64') };
    state.frames.push(record);
    if (record.sameness < SAME_PERSON) fail('different_people');
    else if (state.frames.slice(0, -1).some((f) => difference(mirrored(scene(f)), image) < MIRROR_LIMIT)) fail('mirrored_frames');
    if (state.failed) break;

    const centred = Math.abs(turn) < rules.turnDeg / 3;
    if (state.phase === 'return') {
      if (centred) {
        state.phase = 'hold';
        state.holdUntil = now + state.holds[state.current]!;
      }
      continue;
    }
    if (state.phase === 'hold') {
      if (Math.abs(turn) >= rules.turnDeg / 2) {
        fail('moved_too_soon');
        break;
      }
      if (now >= state.holdUntil!) {
        state.phase = 'turn';
        state.midway = false;
        state.askedAt[state.current] = now;
        break;
      }
      continue;
    }
    const along = YAW_SIGN[state.steps[state.current]!] * turn;
    if (centred) state.midway = false;
    else if (-along >= rules.turnDeg) {
      fail('wrong_turn');
      break;
    } else if (along >= rules.turnDeg && state.midway) {
      record.completes = true;
      state.current++;
      state.phase = 'return';
      break;
    } else if (along > 0 && along < rules.turnDeg) state.midway = true;
  }
  return { used, ...(baselineAt !== undefined && { baselineAt }) };
}

/**
 * Frames that completed a step, matched against those kept from the subject's earlier
 * answers: a replay of an earlier login shows its turns again, picture for picture.
 */
export function replayed(state: HeadTurnState, seen: Uint8Array[]): boolean {
  const completing = completingFrames(state);
  return completing.length > 0 && completing.every((f) => seen.some((s) => difference(scene(f), s) < REPLAY_LIMIT));
}

/** The frames that completed a step: what is kept to recognise replays. */
export const completingFrames = (state: HeadTurnState): FrameRecord[] => state.frames.filter((f) => f.completes);
