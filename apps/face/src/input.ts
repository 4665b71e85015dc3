import { HttpError } from '../../shared/http.ts';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DATA_URL = /^data:image\/(jpeg|png);base64,/;

const invalid = (field: string, message: string) => new HttpError(400, 'invalid_field', `${field}: ${message}`, { field });

/**
 * The images of a validated body, decoded: JSON's `images` (base64 or data URLs, white
 * space allowed, as encoders wrap it) or one raw image/jpeg or image/png body. What the
 * schemas cannot say is checked here: how many a request may hold (FACE_MAX_IMAGES, a
 * setting), that each is base64, and its size once decoded.
 */
export function decodeImages(body: { images: readonly string[] } | Buffer, maxImages: number, maxBytes: number): Uint8Array[] {
  if (Buffer.isBuffer(body)) {
    if (body.length === 0) throw invalid('body', 'empty image');
    return [body];
  }
  if (body.images.length > maxImages) throw invalid('images', `at most ${maxImages} images in one request`);
  return body.images.map((img, i) => {
    const b64 = img.replace(DATA_URL, '').replace(/\s+/g, '');
    if (!BASE64.test(b64)) throw invalid(`images[${i}]`, 'is not valid base64');
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length > maxBytes) throw new HttpError(413, 'image_too_large', `images[${i}]: ${bytes.length} bytes; at most ${maxBytes}`, { field: `images[${i}]` });
    return bytes;
  });
}
