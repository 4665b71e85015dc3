import type { Backend } from '../engine/human.ts';
import type { DecodeLimits } from '../engine/decode.ts';
import type { Detection } from '../engine/detect.ts';
import type { RejectReason } from '../engine/rejection.ts';
import type { FaceModel } from '../engine/models.ts';

export interface WorkerInit {
  backend: Backend;
  model: FaceModel;
  limits: DecodeLimits;
}

export type FromWorker =
  | { type: 'ready'; loadMs: number; backend: string }
  | { type: 'fatal'; message: string }
  | { type: 'done'; id: number; detection: Detection }
  | { type: 'rejected'; id: number; reason: RejectReason; message: string }
  | { type: 'failed'; id: number; message: string }
  | { type: 'memory'; id: number; tensors: number };

export type ToWorker = { type: 'detect'; id: number; image: Uint8Array } | { type: 'memory'; id: number };
