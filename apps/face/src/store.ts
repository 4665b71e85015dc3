import { randomUUID } from 'node:crypto';
import type { Collection, DocumentStore } from '../../shared/store/types.ts';
import type { Step } from './engine/challenge.ts';
import { MODEL_ID } from './engine/human.ts';
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

interface ChallengeDoc {
  id: string;
  steps: Step[];
  createdAt: string;
  expiresAt: string;
}

const info = ({ embedding: _e, subject: _s, ...rest }: TemplateDoc): TemplateInfo => rest;

/** The face service's data: templates per subject, and open liveness challenges. */
export class FaceStore {
  private constructor(
    private readonly templates: Collection<TemplateDoc>,
    private readonly challenges: Collection<ChallengeDoc>,
  ) {}

  static async open(store: DocumentStore): Promise<FaceStore> {
    return new FaceStore(
      await store.collection<TemplateDoc>({ name: 'face_templates', indexes: [{ fields: ['subject'] }] }),
      await store.collection<ChallengeDoc>({ name: 'face_challenges', expiresAt: 'expiresAt' }),
    );
  }

  /** All or nothing: a failed batch stores no template. */
  async add(subject: string, items: { embedding: Float32Array; quality: Quality }[]): Promise<TemplateInfo[]> {
    const now = new Date().toISOString();
    const docs: TemplateDoc[] = items.map((it) => ({
      id: randomUUID(),
      subject,
      model: MODEL_ID,
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
    const docs = await this.templates.find({ subject });
    return docs.filter((d) => d.model === MODEL_ID).map((d) => decodeEmbedding(d.embedding));
  }

  deleteSubject(subject: string): Promise<number> {
    return this.templates.deleteMany({ subject });
  }

  async deleteTemplate(subject: string, id: string): Promise<boolean> {
    const doc = await this.templates.get(id);
    if (!doc || doc.subject !== subject) return false;
    return this.templates.delete(id);
  }

  async newChallenge(steps: Step[], ttlSeconds: number): Promise<ChallengeDoc> {
    const now = Date.now();
    const doc: ChallengeDoc = {
      id: randomUUID(),
      steps,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + ttlSeconds * 1000).toISOString(),
    };
    await this.challenges.insert(doc);
    return doc;
  }

  /** A challenge can be answered once: taking it deletes it. */
  async takeChallenge(id: string): Promise<ChallengeDoc | null> {
    const doc = await this.challenges.get(id);
    if (!doc || !(await this.challenges.delete(id))) return null;
    return doc;
  }
}
