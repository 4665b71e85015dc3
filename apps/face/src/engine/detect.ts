import type { Human } from '@vladmandic/human';
import { thumbnail } from './appearance.ts';
import type { DecodedImage } from './decode.ts';

export interface DetectedFace {
  /** [x, y, width, height] in analysed pixels. */
  box: [number, number, number, number];
  boxScore: number;
  faceScore: number;
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
  /** human's antispoof (real) and liveness (live) scores, 0..1: reported, not trusted alone. */
  real: number;
  live: number;
  embedding: Float32Array;
  /** Grayscale thumbnail of the whole frame the face is in (appearance.ts): the liveness check's same-picture tests. */
  scene: Uint8Array;
}

export interface Detection {
  width: number;
  height: number;
  faces: DetectedFace[];
  ms: number;
}

const deg = (rad: number | undefined) => ((rad ?? 0) * 180) / Math.PI;

/** Runs the face models on one decoded image; every tensor it makes is disposed. */
export async function detectFaces(human: Human, img: DecodedImage): Promise<Detection> {
  const started = performance.now();
  const scene = thumbnail(img);
  const input = human.tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
  try {
    const result = await human.detect(input);
    // Faces without an embedding still count: "exactly one face" means one in the picture.
    const faces = result.face.map((f) => ({
        box: f.box as [number, number, number, number],
        boxScore: f.boxScore,
        faceScore: f.faceScore,
        yawDeg: deg(f.rotation?.angle.yaw),
        pitchDeg: deg(f.rotation?.angle.pitch),
        rollDeg: deg(f.rotation?.angle.roll),
        real: f.real ?? 0,
        live: f.live ?? 0,
        embedding: Float32Array.from(f.embedding ?? []),
        scene,
      }));
    return { width: img.width, height: img.height, faces, ms: performance.now() - started };
  } finally {
    input.dispose();
  }
}
