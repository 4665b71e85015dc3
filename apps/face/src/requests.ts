import { object, oneOf } from '../../shared/schema.ts';

/**
 * What each request may send (routes.ts validates against these before a handler runs,
 * openapi.ts documents them), with the words of a refusal auth and the tests have seen
 * before. Decoding the images, and how many a setting allows, is input.ts's.
 */

/** Who templates belong to: auth's account id, or any caller's id of this form. */
const subject = { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$', 'x-invalid': '1 to 128 letters, digits or ._:-', 'x-code': 'invalid_subject' } as const;
const binding = {
  type: 'string',
  pattern: '^[A-Za-z0-9_-]{16,128}$',
  'x-invalid': 'must be 16 to 128 letters, digits, _ or -',
  description: "the caller's session the challenge is bound to (auth: a hash of it)",
} as const;
const challengeId = { type: 'string', format: 'uuid', 'x-invalid': 'must be the id of a challenge (a UUID)' } as const;
const image = { type: 'string', 'x-invalid': 'must be a base64 string', description: 'JPEG or PNG, base64 or data URL; as the camera delivers it, not mirrored' } as const;
/** At most FACE_MAX_IMAGES (default 8): a setting, checked in input.ts. */
const images = { type: 'array', minItems: 1, items: image, 'x-invalid': 'must be a non-empty list of base64 images' } as const;
const upTo = <const N extends number>(n: N) => ({ ...images, maxItems: n }) as const;

/** Content types an image may also come as, one a request, its bytes the whole body. */
export const IMAGE_TYPES = ['image/jpeg', 'image/png'] as const;

export const subjectParams = object({ subject }, ['subject']);
export const templateParams = object({ subject, template: { type: 'string' } }, ['subject', 'template']);
export const challengeParams = object({ id: challengeId }, ['id']);

export const enrollBody = object({ images }, ['images']);
export const qualityBody = object({ images: upTo(1) }, ['images']);
/** One image (liveness off), or the answered challenge: a body with challengeId is the latter. */
export const verifyBody = oneOf('challengeId', object({ challengeId, binding }, ['challengeId', 'binding']), object({ images: upTo(1) }, ['images']));
export const challengeBody = object({ subject, binding }, ['subject', 'binding']);
export const framesBody = object({ subject, binding, images: upTo(4) }, ['subject', 'binding', 'images']);
