import { describe, expect, it } from 'vitest';
import type { Detection, DetectedFace } from '../src/engine/detect.ts';
import { singleFace, type QualityGates } from '../src/engine/quality.ts';
import { ImageRejected } from '../src/engine/rejection.ts';

const gates: QualityGates = { minFacePx: 80, minDetectionScore: 0.6, maxYawDeg: 25, maxPitchDeg: 25, maxRollDeg: 30 };
const face = (o: Partial<DetectedFace> = {}): DetectedFace => ({
  box: [100, 100, 150, 160],
  boxScore: 0.9,
  faceScore: 1,
  yawDeg: 2,
  pitchDeg: -3,
  rollDeg: 1,
  real: 0.5,
  live: 0.8,
  embedding: new Float32Array(1024).fill(0.1),
  scene: new Uint8Array(256),
  ...o,
});
const det = (...faces: DetectedFace[]): Detection => ({ width: 640, height: 480, faces, ms: 1 });

const reason = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof ImageRejected) return e.reason;
    throw e;
  }
  return 'accepted';
};

describe('quality gates', () => {
  it('accept one frontal, large, confident face and report its figures', () => {
    const { quality } = singleFace(det(face()), gates, true);
    expect(quality).toEqual({ faces: 1, facePx: 150, detectionScore: 0.9, yawDeg: 2, pitchDeg: -3, rollDeg: 1, width: 640, height: 480 });
  });

  it.each([
    ['no_face', det()],
    ['multiple_faces', det(face(), face())],
    ['face_too_small', det(face({ box: [0, 0, 60, 70] }))],
    ['low_confidence', det(face({ boxScore: 0.4 }))],
    ['low_confidence', det(face({ embedding: new Float32Array(0) }))],
    ['not_frontal', det(face({ yawDeg: -31 }))],
    ['not_frontal', det(face({ pitchDeg: 27 }))],
    ['not_frontal', det(face({ rollDeg: 40 }))],
  ])('reject with %s', (expected, d) => {
    expect(reason(() => singleFace(d, gates, true))).toBe(expected);
  });

  it('let a turned face through when frontal is not required (challenge frames)', () => {
    expect(reason(() => singleFace(det(face({ yawDeg: 35 })), gates, false))).toBe('accepted');
  });

  it('name the image of a multi-image request', () => {
    expect(() => singleFace(det(), gates, true, 2)).toThrow('image 2: no face found');
  });
});
