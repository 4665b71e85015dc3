import { randomUUID } from 'node:crypto';
import type { Collection, DocumentStore } from '../../shared/store/types.ts';
import type { HeadTurnState } from './engine/challenge.ts';
import { decodeEmbedding, encodeEmbedding } from './engine/match.ts';
import type { Quality } from './engine/quality.ts';

/** A stored face template. The vector never leaves the service over the API. */
interface TemplateDoc {
  id: string;
  subject: string;
  model: string;
  embedding: string;
  quality: Quality;
  createdAt: string;
}

export type TemplateInfo = Omit<TemplateDoc, 'embedding' | 'subject'>;

/** An open head-turn challenge: bound to one subject and one caller's session. */
export interface ChallengeDoc {
  id: string;
  subject: string;
  /** An opaque value from the caller (auth: a hash of its session): only it may answer. */
  binding: string;
  state: HeadTurnState;
  /** Embedding of the first frontal frame: every later frame must be the same person. */
  baseline?: string;
  /** The most frontal frame so far: the one compared with the templates. */
  best?: { embedding: string; yawDeg: number; quality: Quality; real: number; live: number };
  /** Requests working on it now: answers are taken one request at a time. */
  inflight: number;
  createdAt: string;
  expiresAt: string;
}

/** A frame that completed a step of an answer: kept to recognise a replay of it later. */
interface SeenFrameDoc {
  id: string;
  subject: string;
  scene: string;
  createdAt: string;
  expiresAt: string;
}

/** How long completed-step frames are kept to refuse replays of them. */
const SEEN_DAYS = 30;

const info = ({ embedding: _e, subject: _s, ...rest }: TemplateDoc): TemplateInfo => rest;

/** The face service's data: templates per subject, and open liveness challenges. */
export class FaceStore {
  private constructor(
    /** The model this service runs: only its templates are compared (models.ts). */
    readonly model: string,
    private readonly templates: Collection<TemplateDoc>,
    private readonly challenges: Collection<ChallengeDoc>,
    private readonly seen: Collection<SeenFrameDoc>,
  ) {}

  static async open(store: DocumentStore, model: string): Promise<FaceStore> {
    return new FaceStore(
      model,
      await store.collection<TemplateDoc>({ name: 'face_templates', indexes: [{ fields: ['subject'] }] }),
      await store.collection<ChallengeDoc>({ name: 'face_challenges', expiresAt: 'expiresAt' }),
      await store.collection<SeenFrameDoc>({ name: 'face_seen_frames', indexes: [{ fields: ['subject'] }], expiresAt: 'expiresAt' }),
    );
  }

  /** All or nothing: a failed batch stores no template. */
  async add(subject: string, items: { embedding: Float32Array; quality: Quality }[]): Promise<TemplateInfo[]> {
    const now = new Date().toISOString();
    const docs: TemplateDoc[] = items.map((it) => ({
      id: randomUUID(),
      subject,
      model: this.model,
      embedding: encodeEmbedding(it.embedding),
      quality: it.quality,
      createdAt: now,
    }));
    await this.templates.insertMany(docs);
    return docs.map(info);
  }

  count(subject: string): Promise<number> {
    return this.templates.count({ subject });
  }

  async list(subject: string): Promise<TemplateInfo[]> {
    return (await this.templates.find({ subject }, { sort: { field: 'createdAt', order: 'asc' } })).map(info);
  }

  /** Embeddings of the current model only: others are not comparable. */
  async embeddings(subject: string): Promise<Float32Array[]> {
    return (await this.templates.find({ subject, model: this.model })).map((d) => decodeEmbedding(d.embedding));
  }

  /** Models of the subject's templates other than the current one (enrolled before a model change). */
  async otherModels(subject: string): Promise<string[]> {
    return [...new Set((await this.templates.find({ subject })).map((d) => d.model).filter((m) => m !== this.model))];
  }

  /** Templates per model, and how many subjects have them: what an operator checks before and after a model change. */
  async modelCounts(): Promise<{ model: string; templates: number; subjects: number }[]> {
    const by = new Map<string, { templates: number; subjects: Set<string> }>();
    for (const d of await this.templates.find({})) {
      const m = by.get(d.model) ?? { templates: 0, subjects: new Set<string>() };
      m.templates++;
      m.subjects.add(d.subject);
      by.set(d.model, m);
    }
    return [...by].map(([model, m]) => ({ model, templates: m.templates, subjects: m.subjects.size })).sort((a, b) => a.model.localeCompare(b.model));
  }

  /** Deletes every template of one model: their subjects enroll again with the current one. */
  deleteModel(model: string): Promise<number> {
    return this.templates.deleteMany({ model });
  }

  async deleteSubject(subject: string): Promise<number> {
    await this.seen.deleteMany({ subject });
    return this.templates.deleteMany({ subject });
  }

  async deleteTemplate(subject: string, id: string): Promise<boolean> {
    const doc = await this.templates.get(id);
    if (!doc || doc.subject !== subject) return false;
    return this.templates.delete(id);
  }

  async newChallenge(subject: string, binding: string, state: HeadTurnState, ttlSeconds: number): Promise<ChallengeDoc> {
    const now = Date.now();
    const doc: ChallengeDoc = {
      id: randomUUID(),
      subject,
      binding,
      state,
      inflight: 0,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + ttlSeconds * 1000).toISOString(),
    };
    await this.challenges.insert(doc);
    return doc;
  }

  /**
   * The challenge for one request at a time, or why not: 'unknown' (never issued, used or
   * expired) or 'busy' (another request is working on it). Call release() after.
   */
  async claimChallenge(id: string): Promise<ChallengeDoc | 'unknown' | 'busy'> {
    if (!(await this.challenges.get(id))) return 'unknown';
    const doc = await this.challenges.increment(id, { inflight: 1 });
    // Deleted between the two calls: increment made a stub of it.
    if (!doc.state) {
      await this.challenges.delete(id);
      return 'unknown';
    }
    // The holder sets the count back to 0 when done, whoever else knocked meanwhile.
    return doc.inflight === 1 ? doc : 'busy';
  }

  async saveChallenge(doc: ChallengeDoc): Promise<void> {
    const { id: _id, inflight: _i, ...rest } = doc;
    await this.challenges.update(doc.id, rest);
  }

  async releaseChallenge(id: string): Promise<void> {
    await this.challenges.update(id, { inflight: 0 });
  }

  /** A challenge can be judged once: judging deletes it. */
  async endChallenge(id: string): Promise<void> {
    await this.challenges.delete(id);
  }

  async seenFrames(subject: string): Promise<Uint8Array[]> {
    return (await this.seen.find({ subject })).map((d) => new Uint8Array(Buffer.from(d.scene, 'base64')));
  }

  async addSeenFrames(subject: string, scenes: string[]): Promise<void> {
    const now = Date.now();
    const createdAt = new Date(now).toISOString();
    const expiresAt = new Date(now + SEEN_DAYS * 86400_000).toISOString();
    if (scenes.length) await this.seen.insertMany(scenes.map((scene) => ({ id: randomUUID(), subject, scene, createdAt, expiresAt })));
  }
}
