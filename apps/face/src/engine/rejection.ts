import { rejectReasons } from '../../../shared/contract.ts';

/** Why an image cannot be used, machine-readable; answered as 422 (413 for size). */
export const REJECT_REASONS = rejectReasons;
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
