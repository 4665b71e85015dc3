import sharp, { type Metadata } from 'sharp';
import { ImageRejected } from './rejection.ts';

export interface DecodeLimits {
  /** Width x height accepted at all; checked from the header, before decoding. */
  maxPixels: number;
  /** Analysis size: larger images are scaled down to fit this square. */
  analysisSide: number;
  minSide: number;
}

export interface DecodedImage {
  /** Packed RGB, 3 bytes a pixel. */
  data: Uint8Array;
  width: number;
  height: number;
  /** The size of the image as sent. */
  original: { width: number; height: number; format: string };
}

const FORMATS = new Set(['jpeg', 'png']);

/**
 * Decodes what a client sent into pixels the models can take, or rejects it with a
 * reason. Nothing undecodable reaches TensorFlow (its wasm backend turns errors into
 * process-wide exceptions), and a 20000x20000 PNG is refused from its header.
 */
export async function decodeImage(bytes: Uint8Array, limits: DecodeLimits): Promise<DecodedImage> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new ImageRejected('unsupported_format', 'not an image: send a JPEG or PNG');
  }
  if (!meta.format || !FORMATS.has(meta.format)) {
    throw new ImageRejected('unsupported_format', `${meta.format ?? 'unknown'} images are not accepted: send a JPEG or PNG`);
  }
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  if (width * height > limits.maxPixels) {
    throw new ImageRejected('image_too_large', `image is ${width}x${height}; at most ${limits.maxPixels} pixels are accepted`);
  }
  if (Math.min(width, height) < limits.minSide) {
    throw new ImageRejected('image_too_small', `image is ${width}x${height}; at least ${limits.minSide} pixels a side are needed`);
  }
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'truncated' })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .resize({ width: limits.analysisSide, height: limits.analysisSide, fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected ${info.channels} channels`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, original: { width, height, format: meta.format } };
  } catch (e) {
    throw new ImageRejected('corrupt_image', `image could not be decoded (${(e as Error).message.split('\n')[0]})`);
  }
}
