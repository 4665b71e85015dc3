import { Counter, Gauge, Histogram, createMetrics } from '../../shared/metrics.ts';

export function createFaceMetrics() {
  const base = createMetrics('face');
  const registers = [base.registry];
  return {
    ...base,
    queueDepth: new Gauge({ name: 'face_queue_depth', help: 'images waiting for an inference worker', registers }),
    queueWait: new Histogram({ name: 'face_queue_wait_seconds', help: 'time an image waited for a worker', buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5], registers }),
    inferenceSeconds: new Histogram({ name: 'face_inference_seconds', help: 'decode + detection + embedding of one image', buckets: [0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2], registers }),
    verifications: new Counter({ name: 'face_verifications_total', help: 'verifications by result', labelNames: ['result'] as const, registers }),
    enrollments: new Counter({ name: 'face_enrolled_templates_total', help: 'templates stored', registers }),
    rejections: new Counter({ name: 'face_rejected_images_total', help: 'images rejected by the quality gates', labelNames: ['reason'] as const, registers }),
  };
}

export type FaceMetrics = ReturnType<typeof createFaceMetrics>;
