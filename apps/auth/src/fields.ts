import { invalid } from './errors.ts';

// What a request's shape cannot say (requests.ts checks the shape): checked before anything
// is looked up, so a malformed value costs no database read.

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(raw: string): string {
  // NFC first: `é` typed as one character or as e + accent is one address.
  const email = raw.trim().normalize('NFC').toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw invalid('email', 'is not an email address');
  return email;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A path parameter (`/admin/users/:id`): Express gives it as text, and no schema sees it. */
export function uuidOf(v: string, field: string, what: string): string {
  if (!UUID.test(v)) throw invalid(field, `must be the id of ${what}`);
  return v;
}
