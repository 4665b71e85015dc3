import { HttpError } from '../../shared/http.ts';
import { advance, completingFrames, newHolds, newSteps, replayed, startState, type LivenessFailure, type Step } from './engine/challenge.ts';
import type { DetectedFace } from './engine/detect.ts';
import { bestMatch, cosine, decodeEmbedding, encodeEmbedding } from './engine/match.ts';
import { singleFace, type Quality, type QualityGates } from './engine/quality.ts';
import { ImageRejected } from './engine/rejection.ts';
import { thresholdOf, type FaceConfig } from './config.ts';
import type { FaceMetrics } from './metrics.ts';
import type { InferencePool } from './pool/pool.ts';
import type { ChallengeDoc, FaceStore, TemplateInfo } from './store.ts';
import { modelId } from './engine/models.ts';

const emptyQuality: Quality = { faces: 0, facePx: 0, detectionScore: 0, yawDeg: 0, pitchDeg: 0, rollDeg: 0, width: 0, height: 0 };

export interface VerifyResult {
  subject: string;
  match: boolean;
  score: number;
  threshold: number;
  model: string;
  templates: number;
  quality: Quality;
  liveness: {
    mode: FaceConfig['liveness'];
    passed: boolean;
    reason?: LivenessFailure;
    steps?: Step[];
    /** Turn of each frame used, from the first frontal one, in degrees. */
    turnDeg?: number[];
    /** human's passive scores, reported for the record: alone they do not separate photos from people. */
    antispoof: { real: number; live: number };
  };
}

/** Where an answer stands, for the client to guide the user. */
export interface ChallengeProgress {
  id: string;
  /** How many steps the challenge has. */
  steps: number;
  /** Steps done so far. */
  done: number;
  /** return/hold: look straight at the camera; turn: make `step` now; complete: verify. */
  phase: 'return' | 'hold' | 'turn' | 'complete' | 'failed';
  step?: Step;
  reason?: LivenessFailure;
  turnDeg: number;
  expiresAt: string;
  /** Turn of each frame of this request that was used. */
  frames: number[];
}

/**
 * No template of the model in use: never enrolled (404), or enrolled with a model this
 * service no longer runs (409 reenroll_required: descriptors of two models are not comparable).
 */
async function notEnrolled(store: FaceStore, subject: string): Promise<HttpError> {
  const others = await store.otherModels(subject);
  if (others.length === 0) return new HttpError(404, 'subject_not_found', `no templates enrolled for ${subject}`);
  return new HttpError(409, 'reenroll_required', `${subject} was enrolled with ${others.join(', ')}; this service compares ${store.model} templates only: enroll again`, { models: others });
}

const notYours = () => new HttpError(403, 'challenge_not_yours', 'this challenge was issued to another session or subject', { field: 'challengeId' });
const gone = () => new HttpError(410, 'challenge_expired', 'the challenge is unknown, used or expired: ask for a new one', { field: 'challengeId' });
const busy = () => new HttpError(409, 'challenge_busy', 'frames for this challenge are being analysed: send the next ones after the answer', { field: 'challengeId' }, { 'retry-after': '1' });

/** Enrollment and verification, independent of HTTP. */
export class FaceService {
  constructor(
    private readonly cfg: FaceConfig,
    private readonly pool: InferencePool,
    private readonly store: () => Promise<FaceStore>,
    private readonly metrics: FaceMetrics,
  ) {}

  get gates(): QualityGates {
    const c = this.cfg;
    return { minFacePx: c.minFacePx, minDetectionScore: c.minDetectionScore, maxYawDeg: c.maxYawDeg, maxPitchDeg: c.maxPitchDeg, maxRollDeg: c.maxRollDeg };
  }

  /** Every image analysed (in parallel, on the pool, admitted all together or not at all); the first unusable one rejects all. */
  private async faces(images: Uint8Array[], frontal: boolean): Promise<{ face: DetectedFace; quality: Quality }[]> {
    const detections = await Promise.allSettled(this.pool.detectAll(images));
    return detections.map((d, i) => {
      if (d.status === 'rejected') {
        const e = d.reason as Error;
        if (e instanceof ImageRejected) throw this.rejected(new ImageRejected(e.reason, images.length > 1 ? `image ${i}: ${e.message}` : e.message, i));
        throw e;
      }
      this.metrics.inferenceSeconds.observe(d.value.ms / 1000);
      try {
        return singleFace(d.value, this.gates, frontal, images.length > 1 ? i : undefined);
      } catch (err) {
        throw err instanceof ImageRejected ? this.rejected(err) : err;
      }
    });
  }

  private rejected(e: ImageRejected): ImageRejected {
    this.metrics.rejections.inc({ reason: e.reason });
    return e;
  }

  async enroll(subject: string, images: Uint8Array[]): Promise<TemplateInfo[]> {
    const store = await this.store();
    const have = await store.count(subject);
    if (have + images.length > this.cfg.maxTemplates) {
      throw new HttpError(409, 'too_many_templates', `${subject} has ${have} templates; at most ${this.cfg.maxTemplates} are kept`, { have, max: this.cfg.maxTemplates });
    }
    const faces = await this.faces(images, true);
    const stored = await store.add(subject, faces.map((f) => ({ embedding: f.face.embedding, quality: f.quality })));
    this.metrics.enrollments.inc(stored.length);
    return stored;
  }

  /** The quality gates on one frame, nothing stored: live guidance while a camera is aimed. */
  async check(image: Uint8Array): Promise<Quality> {
    const [analysed] = await this.faces([image], true);
    return analysed!.quality;
  }

  async challenge(subject: string, binding: string): Promise<ChallengeProgress> {
    const store = await this.store();
    if ((await store.embeddings(subject)).length === 0) throw await notEnrolled(store, subject);
    const n = this.cfg.livenessSteps;
    const c = await store.newChallenge(subject, binding, startState(newSteps(n), newHolds(n)), this.cfg.challengeTtlSeconds);
    return this.progress(c, []);
  }

  private progress(c: ChallengeDoc, frames: number[]): ChallengeProgress {
    const st = c.state;
    const phase = st.failed ? 'failed' : st.current >= st.steps.length ? 'complete' : st.phase;
    return {
      id: c.id,
      steps: st.steps.length,
      done: Math.min(st.current, st.steps.length),
      phase,
      ...(phase === 'turn' && { step: st.steps[st.current] }),
      ...(st.failed && { reason: st.failed }),
      turnDeg: this.cfg.turnDeg,
      expiresAt: c.expiresAt,
      frames,
    };
  }

  /** The challenge for this caller, held for one request; released by `release`. */
  private async claim(store: FaceStore, id: string, subject: string, binding: string): Promise<ChallengeDoc> {
    const c = await store.claimChallenge(id);
    if (c === 'unknown') throw gone();
    if (c === 'busy') throw busy();
    if (c.subject !== subject || c.binding !== binding) {
      await store.releaseChallenge(id);
      throw notYours();
    }
    return c;
  }

  /** Frames answering a challenge, as they are taken: analysed, judged step by step, kept only as figures. */
  async frames(id: string, subject: string, binding: string, images: Uint8Array[]): Promise<ChallengeProgress> {
    const store = await this.store();
    const c = await this.claim(store, id, subject, binding);
    try {
      const analysed = await this.faces(images, false);
      const now = Date.now();
      const g = this.gates;
      const isFrontal = (f: DetectedFace) => Math.abs(f.yawDeg) <= g.maxYawDeg && Math.abs(f.pitchDeg) <= g.maxPitchDeg && Math.abs(f.rollDeg) <= g.maxRollDeg;
      let baseline = c.baseline ? decodeEmbedding(c.baseline) : undefined;
      const before = c.state.frames.length;
      const { used, baselineAt } = advance(
        c.state,
        analysed.map(({ face }) => ({
          yawDeg: face.yawDeg,
          frontal: isFrontal(face),
          scene: face.scene,
          sameness: (isBaseline: boolean) => {
            if (isBaseline) baseline = face.embedding;
            return cosine(face.embedding, baseline!);
          },
        })),
        now,
        { turnDeg: this.cfg.turnDeg, stepSeconds: this.cfg.stepSeconds, maxFrames: this.cfg.maxFrames },
      );
      if (baselineAt !== undefined) c.baseline = encodeEmbedding(analysed[baselineAt]!.face.embedding);
      const first = baselineAt ?? 0;
      for (const { face, quality } of analysed.slice(first, first + used)) {
        if (isFrontal(face) && (!c.best || Math.abs(face.yawDeg) < Math.abs(c.best.yawDeg))) {
          c.best = { embedding: encodeEmbedding(face.embedding), yawDeg: face.yawDeg, quality, real: face.real, live: face.live };
        }
      }
      await store.saveChallenge(c);
      return this.progress(c, c.state.frames.slice(before).map((f) => f.turnDeg));
    } finally {
      await store.releaseChallenge(id);
    }
  }

  async verify(subject: string, images: Uint8Array[], challenge?: { id: string; binding: string }): Promise<VerifyResult> {
    const store = await this.store();
    const templates = await store.embeddings(subject);
    if (templates.length === 0) throw await notEnrolled(store, subject);
    const result = this.cfg.liveness === 'off' ? await this.plain(subject, images, templates) : await this.headTurn(subject, images, templates, challenge, store);
    this.metrics.verifications.inc({ result: !result.liveness.passed ? 'liveness_failed' : result.match ? 'match' : 'no_match' });
    return result;
  }

  private async plain(subject: string, images: Uint8Array[], templates: Float32Array[]): Promise<VerifyResult> {
    if (images.length !== 1) throw new HttpError(400, 'invalid_field', 'images: exactly one image when liveness is off', { field: 'images' });
    const [{ face, quality }] = (await this.faces(images, true)) as [{ face: DetectedFace; quality: Quality }];
    return this.outcome(subject, face, quality, templates, { mode: 'off', passed: true });
  }

  private async headTurn(subject: string, images: Uint8Array[], templates: Float32Array[], challenge: { id: string; binding: string } | undefined, store: FaceStore): Promise<VerifyResult> {
    if (!challenge) throw new HttpError(400, 'challenge_required', 'liveness is on: ask POST /v1/liveness/challenges first, send the frames to it, then its id as challengeId', { field: 'challengeId' });
    if (images.length > 0) throw new HttpError(400, 'invalid_field', 'images: with a challenge, frames go to POST /v1/liveness/challenges/{id}/frames as they are taken', { field: 'images' });
    const c = await this.claim(store, challenge.id, subject, challenge.binding);
    // Judged once, whatever the verdict: a second look at the same answer is a replay.
    await store.endChallenge(c.id);
    const st = c.state;
    let reason: LivenessFailure | undefined = st.failed ?? (st.current < st.steps.length ? 'steps_not_followed' : undefined);
    if (!reason && replayed(st, await store.seenFrames(subject))) reason = 'replayed_frames';
    await store.addSeenFrames(subject, completingFrames(st).map((f) => f.scene));
    const liveness = { mode: 'headturn' as const, passed: !reason, ...(reason && { reason }), steps: st.steps, turnDeg: st.frames.map((f) => f.turnDeg) };
    if (!c.best) {
      return { subject, match: false, score: 0, threshold: thresholdOf(this.cfg), model: store.model, templates: templates.length, quality: emptyQuality, liveness: { ...liveness, passed: false, reason: reason ?? 'steps_not_followed', antispoof: { real: 0, live: 0 } } };
    }
    const face = { embedding: decodeEmbedding(c.best.embedding), real: c.best.real, live: c.best.live } as DetectedFace;
    return this.outcome(subject, face, c.best.quality, templates, liveness);
  }

  private outcome(subject: string, face: DetectedFace, quality: Quality, templates: Float32Array[], liveness: Omit<VerifyResult['liveness'], 'antispoof'>): VerifyResult {
    const score = Math.round(bestMatch(face.embedding, templates) * 1e4) / 1e4;
    return {
      subject,
      match: liveness.passed && score >= thresholdOf(this.cfg),
      score,
      threshold: thresholdOf(this.cfg),
      model: modelId(this.cfg.model),
      templates: templates.length,
      quality,
      liveness: { ...liveness, antispoof: { real: Math.round(face.real * 100) / 100, live: Math.round(face.live * 100) / 100 } },
    };
  }
}
