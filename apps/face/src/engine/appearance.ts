import type { DecodedImage } from './decode.ts';

/**
 * A small grayscale thumbnail of a frame: enough to tell the same picture
 * (a replayed frame, a mirrored copy, a still held up) from a new capture, and far too
 * little to show who someone is. They are what the liveness check keeps of each frame.
 */
export const THUMB_SIDE = 16;

/** Area-averaged luma (BT.601) of the whole frame, THUMB_SIDE x THUMB_SIDE. */
export function thumbnail(img: Pick<DecodedImage, 'data' | 'width' | 'height'>): Uint8Array {
  const { width, height } = img;
  const out = new Uint8Array(THUMB_SIDE * THUMB_SIDE);
  if (width === 0 || height === 0) return out;
  const sums = new Float64Array(out.length);
  const counts = new Uint32Array(out.length);
  for (let y = 0; y < height; y++) {
    const ty = Math.min(THUMB_SIDE - 1, Math.floor((y * THUMB_SIDE) / height));
    for (let x = 0; x < width; x++) {
      const tx = Math.min(THUMB_SIDE - 1, Math.floor((x * THUMB_SIDE) / width));
      const p = (y * width + x) * 3;
      sums[ty * THUMB_SIDE + tx]! += 0.299 * img.data[p]! + 0.587 * img.data[p + 1]! + 0.114 * img.data[p + 2]!;
      counts[ty * THUMB_SIDE + tx]! += 1;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = counts[i] ? Math.round(sums[i]! / counts[i]!) : 0;
  return out;
}

/** The thumbnail seen in a mirror. */
export function mirrored(t: Uint8Array): Uint8Array {
  const out = new Uint8Array(t.length);
  for (let y = 0; y < THUMB_SIDE; y++) for (let x = 0; x < THUMB_SIDE; x++) out[y * THUMB_SIDE + x] = t[y * THUMB_SIDE + THUMB_SIDE - 1 - x]!;
  return out;
}

/** Contrast every thumbnail is scaled to before comparing: a typical frame's own spread. */
const SPREAD = 32;

/**
 * Mean absolute difference in gray levels after each thumbnail is brought to mean 0 and a
 * common contrast, so a brightened, darkened or re-encoded copy of a picture still reads
 * as that picture: the same picture differs by about 0.5 at most, two moments of one
 * capture by about 1 or more (measurements in test/fixtures/faces/liveness.md).
 */
export function difference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length || a.length === 0) return Infinity;
  const norm = (t: Uint8Array) => {
    let m = 0;
    for (const v of t) m += v;
    m /= t.length;
    let sd = 0;
    for (const v of t) sd += (v - m) ** 2;
    sd = Math.sqrt(sd / t.length) || 1;
    return Float64Array.from(t, (v) => ((v - m) / sd) * SPREAD);
  };
  const na = norm(a);
  const nb = norm(b);
  let d = 0;
  for (let i = 0; i < na.length; i++) d += Math.abs(na[i]! - nb[i]!);
  return d / na.length;
}
