import type { RejectReason } from '../../shared/contract.ts';
import { HttpError } from '../../shared/http.ts';
import type { Logger } from '../../shared/log.ts';

/** The face service cannot answer: password-only logins go on, face steps say so. */

/**
 * What the user reads for each reason the face service gives. Fixed texts: the face
 * service's own message can carry a decoder's words (`VipsJpeg: premature end of JPEG
 * image`), which tell a user nothing and an attacker which library reads the image.
 */
const REJECTED: Record<RejectReason, string> = {
  unsupported_format: 'the picture is not a JPEG or PNG image',
  corrupt_image: 'the picture is damaged or incomplete; take it again',
  image_too_large: 'the picture is too large',
  image_too_small: 'the picture is too small; move closer to the camera or use a better one',
  no_face: 'no face was found in the picture',
  multiple_faces: 'more than one face is in the picture; only you should be in view',
  face_too_small: 'the face is too small; move closer to the camera',
  low_confidence: 'the face is not clear enough; improve the light and look at the camera',
  not_frontal: 'look straight at the camera',
};

export class FaceUnavailableError extends HttpError {
  constructor(detail: string) {
    super(503, 'face_unavailable', 'The face check is unavailable right now. Try again shortly, or use a recovery code.', {}, { 'retry-after': '5' });
    this.cause = detail;
  }
}

export interface FaceVerdict {
  match: boolean;
  score: number;
  liveness: { mode: string; passed: boolean; reason?: string };
}

/** Where the answer to a head-turn challenge stands (the face service's progress). */
export interface FaceChallenge {
  id: string;
  steps: number;
  done: number;
  phase: 'return' | 'hold' | 'turn' | 'complete' | 'failed';
  step?: string;
  reason?: string;
  turnDeg: number;
  expiresAt: string;
  frames: number[];
}

/**
 * Server-to-server client of the face service, with the service credential. The browser
 * never talks to the face service; images pass through here as the base64 it sent.
 */
export class FaceClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  private async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      this.log.warn({ err: e, path }, 'face service unreachable');
      throw new FaceUnavailableError((e as Error).message);
    }
    const text = await res.text().catch(() => '');
    let parsed: any = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (res.status >= 500 || res.status === 401) {
      if (res.status === 401) this.log.error({ path }, 'the face service refused our credential: FACE_SERVICE_TOKEN differs between auth and face');
      throw new FaceUnavailableError(`HTTP ${res.status}: ${parsed?.error?.code ?? text.slice(0, 200)}`);
    }
    return { status: res.status, body: parsed };
  }

  /** 422 (an image the quality gates refuse) and 400/410/413 keep their meaning for the user. */
  private passOn(r: { status: number; body: any }): never {
    const e = r.body?.error ?? {};
    if (r.status === 422) {
      const reason = typeof e.reason === 'string' && e.reason in REJECTED ? (e.reason as keyof typeof REJECTED) : undefined;
      throw new HttpError(422, 'image_rejected', reason ? REJECTED[reason] : 'the camera picture could not be used; try again', { reason: reason ?? 'unusable_image', ...(Number.isInteger(e.index) && { index: e.index }) });
    }
    if (r.status === 410) throw new HttpError(410, 'challenge_expired', 'the head-turn challenge has expired or was used; start again');
    if (r.status === 403 && e.code === 'challenge_not_yours') throw new HttpError(403, 'challenge_not_yours', 'this head-turn challenge was not issued to this login', { field: 'challengeId' });
    if (r.status === 409 && e.code === 'challenge_busy') throw new HttpError(409, 'challenge_busy', 'the previous frames are still being analysed: send the next ones after its answer', {}, { 'retry-after': '1' });
    if (r.status === 400 && e.code === 'challenge_required') throw new HttpError(400, 'challenge_required', 'start the face check first (POST /api/login/face/challenge)', { field: 'challengeId' });
    if (r.status === 413) throw new HttpError(413, 'image_too_large', 'the picture is too large', { field: 'images' });
    if (r.status === 409 && e.code === 'too_many_templates') throw new HttpError(409, 'too_many_templates', 'no more face pictures can be stored for this account');
    if (r.status === 409 && e.code === 'reenroll_required') {
      throw new HttpError(409, 'face_reenroll_required', 'Face login was updated and needs your face again: log in with a recovery code, then in your profile turn face login off and set it up again.');
    }
    if (r.status === 400) throw new HttpError(400, 'invalid_field', 'images: each must be a JPEG or PNG picture, base64-encoded', { field: 'images' });
    throw new FaceUnavailableError(`unexpected HTTP ${r.status}: ${e.code}`);
  }

  async enroll(subject: string, images: string[]): Promise<number> {
    const r = await this.call('POST', `/v1/subjects/${encodeURIComponent(subject)}/templates`, { images });
    if (r.status !== 201) this.passOn(r);
    return (r.body.templates as unknown[]).length;
  }

  /** One image (liveness off), or the challenge whose frames were sent. */
  async verify(subject: string, answer: { images: string[] } | { challengeId: string; binding: string }): Promise<FaceVerdict> {
    const r = await this.call('POST', `/v1/subjects/${encodeURIComponent(subject)}/verify`, answer);
    // No templates (deleted behind our back): a non-match, not an outage.
    if (r.status === 404) return { match: false, score: 0, liveness: { mode: 'unknown', passed: false, reason: 'not_enrolled' } };
    if (r.status !== 200) this.passOn(r);
    return r.body as FaceVerdict;
  }

  /** A head-turn challenge for the subject, bound to `binding`; null when the face service runs without liveness. */
  async challenge(subject: string, binding: string): Promise<FaceChallenge | null> {
    const r = await this.call('POST', '/v1/liveness/challenges', { subject, binding });
    if (r.status === 409 && r.body?.error?.code === 'liveness_off') return null;
    if (r.status === 404) throw new HttpError(409, 'face_not_enrolled', 'no face is enrolled for this account any more; log in with a recovery code and set up face login again');
    if (r.status !== 201) this.passOn(r);
    return r.body as FaceChallenge;
  }

  /** Frames answering a challenge, as the camera takes them. */
  async frames(challengeId: string, subject: string, binding: string, images: string[]): Promise<FaceChallenge> {
    const r = await this.call('POST', `/v1/liveness/challenges/${encodeURIComponent(challengeId)}/frames`, { subject, binding, images });
    if (r.status !== 200) this.passOn(r);
    return r.body as FaceChallenge;
  }

  async check(image: string): Promise<void> {
    const r = await this.call('POST', '/v1/quality', { images: [image] });
    if (r.status !== 200) this.passOn(r);
  }

  /** Erases every template of the subject; none there is fine. */
  async deleteSubject(subject: string): Promise<number> {
    const r = await this.call('DELETE', `/v1/subjects/${encodeURIComponent(subject)}`);
    if (r.status === 404) return 0;
    if (r.status !== 200) this.passOn(r);
    return r.body.deleted as number;
  }
}
