import type { Detection, DetectedFace } from './detect.ts';
import { ImageRejected } from './rejection.ts';

export interface QualityGates {
  /** Smallest face, in pixels of the analysed image (its longer side is analysisSide). */
  minFacePx: number;
  minDetectionScore: number;
  maxYawDeg: number;
  maxPitchDeg: number;
  maxRollDeg: number;
}

/** The figures that decided whether a capture was good enough; returned to the caller. */
export interface Quality {
  faces: number;
  facePx: number;
  detectionScore: number;
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
  width: number;
  height: number;
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

export function qualityOf(det: Detection, face: DetectedFace): Quality {
  return {
    faces: det.faces.length,
    facePx: Math.round(Math.min(face.box[2], face.box[3])),
    detectionScore: round(face.boxScore),
    yawDeg: round(face.yawDeg, 1),
    pitchDeg: round(face.pitchDeg, 1),
    rollDeg: round(face.rollDeg, 1),
    width: det.width,
    height: det.height,
  };
}

/**
 * Exactly one usable face, or a rejection saying why. Enrollment and plain verification
 * also need a roughly frontal face; the frames of a head-turn challenge do not.
 */
export function singleFace(det: Detection, gates: QualityGates, frontal: boolean, index?: number): { face: DetectedFace; quality: Quality } {
  const reject = (reason: ConstructorParameters<typeof ImageRejected>[0], msg: string) => {
    throw new ImageRejected(reason, index === undefined ? msg : `image ${index}: ${msg}`, index);
  };
  if (det.faces.length === 0) reject('no_face', 'no face found');
  if (det.faces.length > 1) reject('multiple_faces', `${det.faces.length} faces found; exactly one person may be in the picture`);
  const face = det.faces[0]!;
  const quality = qualityOf(det, face);
  if (quality.facePx < gates.minFacePx) reject('face_too_small', `face is ${quality.facePx} px; at least ${gates.minFacePx} px needed (move closer)`);
  if (face.boxScore < gates.minDetectionScore || face.embedding.length === 0) {
    reject('low_confidence', `face detected with confidence ${quality.detectionScore}; at least ${gates.minDetectionScore} needed`);
  }
  if (frontal) {
    const off =
      Math.abs(face.yawDeg) > gates.maxYawDeg
        ? `turned ${quality.yawDeg}°`
        : Math.abs(face.pitchDeg) > gates.maxPitchDeg
          ? `tilted ${quality.pitchDeg}° up or down`
          : Math.abs(face.rollDeg) > gates.maxRollDeg
            ? `rolled ${quality.rollDeg}°`
            : null;
    if (off) reject('not_frontal', `face is ${off}; look straight at the camera`);
  }
  return { face, quality };
}
