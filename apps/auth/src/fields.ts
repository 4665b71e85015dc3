import { invalid } from './errors.ts';

// Request fields are checked here, before anything is looked up: a malformed one costs no database read.

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(raw: unknown): string {
  if (typeof raw !== 'string') throw invalid('email', 'must be a string');
  // NFC first: `é` typed as one character or as e + accent is one address.
  const email = raw.trim().normalize('NFC').toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw invalid('email', 'is not an email address');
  return email;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export function uuidOf(v: unknown, field: string, what = 'a challenge this login was given'): string {
  if (typeof v !== 'string' || !UUID.test(v)) throw invalid(field, `must be the id of ${what}`);
  return v;
}

export function stringOf(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw invalid(field, `must be a string of 1 to ${max} characters`);
  return v;
}

const BASE64 = /^(data:image\/(jpeg|png);base64,)?[A-Za-z0-9+/]+={0,2}$/;

export function imagesOf(v: unknown, max: number, field = 'images'): string[] {
  if (!Array.isArray(v) || v.length === 0) throw invalid(field, 'must be a non-empty list of base64 JPEG images');
  if (v.length > max) throw invalid(field, `at most ${max} images in one request`);
  return v.map((img, i) => {
    const name = field === 'image' ? field : `${field}[${i}]`;
    if (typeof img !== 'string' || !BASE64.test(img)) throw invalid(name, 'must be a base64 JPEG or PNG image');
    return img;
  });
}
