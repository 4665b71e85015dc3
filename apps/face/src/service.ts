import { HttpError } from '../../shared/http.ts';
import { judgeHeadTurn, newSteps, type ChallengeOutcome, type Step } from './engine/challenge.ts';
import type { DetectedFace } from './engine/detect.ts';
import { MODEL_ID } from './engine/human.ts';
import { bestMatch, cosine } from './engine/match.ts';
import { singleFace, type Quality, type QualityGates } from './engine/quality.ts';
import { ImageRejected } from './engine/rejection.ts';
import type { FaceConfig } from './config.ts';
import type { FaceMetrics } from './metrics.ts';
import type { InferencePool } from './pool/pool.ts';
import type { FaceStore, TemplateInfo } from './store.ts';

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
    reason?: ChallengeOutcome['reason'];
    steps?: Step[];
    yawDeg?: number[];
    /** human's passive scores, reported for the record: alone they do not separate photos from people. */
    antispoof: { real: number; live: number };
  };
}

/** Below this similarity two frames of one challenge are not taken as the same person. */
const FRAME_CONSISTENCY = 0.45;

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

  /** Every image analysed (in parallel, on the pool); the first unusable one rejects all. */
  private async faces(images: Uint8Array[], frontal: boolean): Promise<{ face: DetectedFace; quality: Quality }[]> {
    const detections = await Promise.allSettled(images.map((img) => this.pool.detect(img)));
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

  async challenge(): Promise<{ id: string; steps: Step[]; expiresAt: string; turnDeg: number }> {
    const c = await (await this.store()).newChallenge(newSteps(), this.cfg.challengeTtlSeconds);
    return { id: c.id, steps: c.steps, expiresAt: c.expiresAt, turnDeg: this.cfg.turnDeg };
  }

  async verify(subject: string, images: Uint8Array[], challengeId?: string): Promise<VerifyResult> {
    const store = await this.store();
    const templates = await store.embeddings(subject);
    if (templates.length === 0) throw new HttpError(404, 'subject_not_found', `no templates enrolled for ${subject}`);
    const result = this.cfg.liveness === 'off' ? await this.plain(subject, images, templates) : await this.headTurn(subject, images, templates, challengeId, store);
    this.metrics.verifications.inc({ result: !result.liveness.passed ? 'liveness_failed' : result.match ? 'match' : 'no_match' });
    return result;
  }

  private async plain(subject: string, images: Uint8Array[], templates: Float32Array[]): Promise<VerifyResult> {
    if (images.length !== 1) throw new HttpError(400, 'invalid_field', 'images: exactly one image when liveness is off', { field: 'images' });
    const [{ face, quality }] = (await this.faces(images, true)) as [{ face: DetectedFace; quality: Quality }];
    return this.outcome(subject, face, quality, templates, { mode: 'off', passed: true });
  }

  private async headTurn(subject: string, frames: Uint8Array[], templates: Float32Array[], challengeId: string | undefined, store: FaceStore): Promise<VerifyResult> {
    if (!challengeId) throw new HttpError(400, 'challenge_required', 'liveness is on: ask POST /v1/liveness/challenges first and send its id as challengeId', { field: 'challengeId' });
    if (frames.length < 3) throw new HttpError(400, 'invalid_field', 'images: a head-turn challenge needs at least 3 frames', { field: 'images' });
    const challenge = await store.takeChallenge(challengeId);
    if (!challenge) throw new HttpError(410, 'challenge_expired', 'the challenge is unknown, used or expired: ask for a new one', { field: 'challengeId' });
    const analysed = await this.faces(frames, false);
    const g = this.gates;
    const frontal = analysed
      .filter(({ face }) => Math.abs(face.yawDeg) <= g.maxYawDeg && Math.abs(face.pitchDeg) <= g.maxPitchDeg && Math.abs(face.rollDeg) <= g.maxRollDeg)
      .sort((a, b) => Math.abs(a.face.yawDeg) - Math.abs(b.face.yawDeg))[0];
    const outcome = judgeHeadTurn(
      challenge.steps,
      analysed.map((a) => a.face),
      frontal?.face ?? null,
      this.cfg.turnDeg,
      (a, b) => cosine(a.embedding, b.embedding) >= FRAME_CONSISTENCY,
    );
    const best = frontal ?? analysed[0]!;
    return this.outcome(subject, best.face, best.quality, templates, { mode: 'headturn', ...outcome, steps: challenge.steps });
  }

  private outcome(subject: string, face: DetectedFace, quality: Quality, templates: Float32Array[], liveness: Omit<VerifyResult['liveness'], 'antispoof'>): VerifyResult {
    const score = Math.round(bestMatch(face.embedding, templates) * 1e4) / 1e4;
    return {
      subject,
      match: liveness.passed && score >= this.cfg.threshold,
      score,
      threshold: this.cfg.threshold,
      model: MODEL_ID,
      templates: templates.length,
      quality,
      liveness: { ...liveness, antispoof: { real: Math.round(face.real * 100) / 100, live: Math.round(face.live * 100) / 100 } },
    };
  }
}
