import type { Request } from 'express';
import { HttpError } from '../../shared/http.ts';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DATA_URL = /^data:image\/(jpeg|png);base64,/;
export const SUBJECT = /^[A-Za-z0-9._:-]{1,128}$/;

const invalid = (field: string, message: string) => new HttpError(400, 'invalid_field', `${field}: ${message}`, { field });

function validSubject(v: unknown): string {
  if (typeof v !== 'string' || !SUBJECT.test(v)) throw new HttpError(400, 'invalid_subject', 'subject: 1 to 128 letters, digits or ._:-', { field: 'subject' });
  return v;
}

/** The subject in the path. */
export const subjectOf = (req: Request): string => validSubject(String(req.params.subject));

/**
 * Images come as JSON `{ "images": ["<base64 or data URL>", ...] }` or, one at a time,
 * as a raw image/jpeg or image/png body.
 */
export function imagesOf(req: Request, maxImages: number, maxBytes: number): Uint8Array[] {
  if (Buffer.isBuffer(req.body)) {
    if (req.body.length === 0) throw invalid('body', 'empty image');
    return [req.body];
  }
  const body = req.body as { images?: unknown } | undefined;
  if (!body || typeof body !== 'object') throw invalid('body', 'send JSON {"images": [...]} or an image/jpeg or image/png body');
  const images = body.images;
  if (!Array.isArray(images) || images.length === 0) throw invalid('images', 'must be a non-empty list of base64 images');
  if (images.length > maxImages) throw invalid('images', `at most ${maxImages} images in one request`);
  return images.map((img, i) => {
    if (typeof img !== 'string') throw invalid(`images[${i}]`, 'must be a base64 string');
    const b64 = img.replace(DATA_URL, '').replace(/\s+/g, '');
    if (!BASE64.test(b64)) throw invalid(`images[${i}]`, 'is not valid base64');
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length > maxBytes) throw new HttpError(413, 'image_too_large', `images[${i}]: ${bytes.length} bytes; at most ${maxBytes}`, { field: `images[${i}]` });
    return bytes;
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BINDING = /^[A-Za-z0-9_-]{16,128}$/;

/** A challenge id as this service issues them (a UUID), from the path or the body. */
export function challengeIdOf(v: unknown, field = 'challengeId'): string {
  if (typeof v !== 'string' || !UUID.test(v)) throw invalid(field, 'must be the id of a challenge (a UUID)');
  return v;
}

/** What the caller binds a challenge to (auth: a hash of its session): 16 to 128 of A-Z a-z 0-9 _ -. */
export function bindingOf(req: Request): string {
  const v = (req.body as Record<string, unknown> | undefined)?.binding;
  if (typeof v !== 'string' || !BINDING.test(v) || Buffer.isBuffer(req.body)) throw invalid('binding', 'must be 16 to 128 letters, digits, _ or -');
  return v;
}

/** The subject a challenge is for, from the body. */
export const bodySubjectOf = (req: Request): string => validSubject((req.body as Record<string, unknown> | undefined)?.subject);
