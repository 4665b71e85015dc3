import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import sharp from 'sharp';

/**
 * A fake webcam for Chromium (`--use-file-for-fake-video-capture=<file>.y4m`): real face
 * photos from test/fixtures/faces, placed on a 640x480 frame and written as YUV4MPEG2
 * 4:2:0 frames. Chromium loops the file, so a clip of a few poses plays as a person
 * looking at the camera and turning the head, over and over.
 */
export const WIDTH = 640;
export const HEIGHT = 480;
export const FPS = 10;

export const FACES = path.resolve(import.meta.dirname, '../../../../test/fixtures/faces');

export interface Pose {
  /** A fixture file name in test/fixtures/faces. */
  file: string;
  /** Horizontal mirror of the photo: the same head turned the other way (yaw flips sign). */
  mirror?: boolean;
  /** How long the pose is held. */
  seconds: number;
  /** Side of the (square) photo on the frame, in px; the rest is grey. Default 400. */
  side?: number;
}

type Look = Pick<Pose, 'file' | 'mirror' | 'side'>;

/** One pose as the camera would deliver it: 640x480 RGB, the 320 px photo scaled to `side` and centred on grey. */
export async function poseRgb(p: Look): Promise<Buffer> {
  const side = p.side ?? 400;
  let img = sharp(path.join(FACES, p.file)).removeAlpha().resize(side, side, { kernel: 'lanczos3' });
  if (p.mirror) img = img.flop();
  const x = Math.floor((WIDTH - side) / 2);
  const y = Math.floor((HEIGHT - side) / 2);
  const { data, info } = await img
    .extend({ left: x, right: WIDTH - side - x, top: y, bottom: HEIGHT - side - y, background: { r: 128, g: 128, b: 128 } })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== WIDTH || info.height !== HEIGHT || info.channels !== 3) {
    throw new Error(`${p.file}: got ${info.width}x${info.height}x${info.channels}, wanted ${WIDTH}x${HEIGHT}x3`);
  }
  return data;
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/**
 * RGB to planar Y'CbCr 4:2:0 (BT.601, limited range: what Chromium assumes for I420
 * camera frames). Chroma is averaged over each 2x2 block.
 */
export function rgbToI420(rgb: Buffer, w = WIDTH, h = HEIGHT): Buffer {
  const out = Buffer.alloc(w * h * 1.5);
  const u0 = w * h;
  const v0 = u0 + (w / 2) * (h / 2);
  for (let i = 0; i < w * h; i++) {
    const r = rgb[i * 3]! / 255;
    const g = rgb[i * 3 + 1]! / 255;
    const b = rgb[i * 3 + 2]! / 255;
    out[i] = clamp(16 + 65.481 * r + 128.553 * g + 24.966 * b);
  }
  for (let y = 0; y < h; y += 2) {
    for (let x = 0; x < w; x += 2) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const i = ((y + dy) * w + x + dx) * 3;
        r += rgb[i]!;
        g += rgb[i + 1]!;
        b += rgb[i + 2]!;
      }
      r /= 4 * 255;
      g /= 4 * 255;
      b /= 4 * 255;
      const c = (y / 2) * (w / 2) + x / 2;
      out[u0 + c] = clamp(128 - 37.797 * r - 74.203 * g + 112 * b);
      out[v0 + c] = clamp(128 + 112 * r - 93.786 * g - 18.214 * b);
    }
  }
  return out;
}

/** The inverse, as a browser turns a camera frame back into canvas pixels. */
export function i420ToRgb(yuv: Buffer, w = WIDTH, h = HEIGHT): Buffer {
  const out = Buffer.alloc(w * h * 3);
  const u0 = w * h;
  const v0 = u0 + (w / 2) * (h / 2);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = (y >> 1) * (w / 2) + (x >> 1);
      const Y = 1.164 * (yuv[y * w + x]! - 16);
      const U = yuv[u0 + c]! - 128;
      const V = yuv[v0 + c]! - 128;
      const i = (y * w + x) * 3;
      out[i] = clamp(Y + 1.596 * V);
      out[i + 1] = clamp(Y - 0.392 * U - 0.813 * V);
      out[i + 2] = clamp(Y + 2.017 * U);
    }
  }
  return out;
}

/** What the dashboard would send for a pose: the frame through 4:2:0 and back, as JPEG quality 90. */
export async function poseAsSent(p: Look): Promise<Buffer> {
  const rgb = i420ToRgb(rgbToI420(await poseRgb(p)));
  return sharp(rgb, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

/** Writes the clip as a .y4m file (Chromium plays it in a loop); returns the path. */
export async function writeY4m(file: string, poses: Pose[]): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  const write = async (b: Buffer | string) => {
    if (!out.write(b)) await once(out, 'drain');
  };
  await write(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F${FPS}:1 Ip A1:1 C420\n`);
  for (const p of poses) {
    const frame = rgbToI420(await poseRgb(p));
    for (let n = 0; n < Math.max(1, Math.round(p.seconds * FPS)); n++) {
      await write('FRAME\n');
      await write(frame);
    }
  }
  out.end();
  await once(out, 'finish');
  return file;
}
