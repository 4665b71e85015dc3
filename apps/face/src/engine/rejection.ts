/** Why an image cannot be used, machine-readable; answered as 422 (413 for size). */
export const REJECT_REASONS = [
  'unsupported_format',
  'corrupt_image',
  'image_too_large',
  'image_too_small',
  'no_face',
  'multiple_faces',
  'face_too_small',
  'low_confidence',
  'not_frontal',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export class ImageRejected extends Error {
  constructor(
    readonly reason: RejectReason,
    message: string,
    /** Which image of a request, when it carried several. */
    readonly index?: number,
  ) {
    super(message);
    this.name = 'ImageRejected';
  }
}
