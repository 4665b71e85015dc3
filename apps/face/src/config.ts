import { availableParallelism } from 'node:os';
import { env, livenessModes } from '../../shared/contract.ts';
import { connectionSettings, loadConfig, managementPortSetting, trustedProxiesSetting, type ConfigOf, type Setting } from '../../shared/config.ts';
import { BACKENDS } from './engine/human.ts';
import { CALIBRATED_THRESHOLD, DEFAULT_MODEL, FACE_MODELS } from './engine/models.ts';

export const LIVENESS_MODES = livenessModes.options;
export type LivenessMode = (typeof LIVENESS_MODES)[number];

/**
 * Every setting of the face service. Defaults suit one plant; the threshold default is
 * calibrated on the fixture set (test/fixtures/faces/measurements.md), not copied.
 */
export const faceSettings = {
  port: { type: 'int', env: env.port, default: 8082, min: 0, max: 65535, description: 'HTTP port (0: any free port)' },
  host: { type: 'string', env: 'HOST', default: '0.0.0.0', description: 'address to listen on' },
  trustedProxies: trustedProxiesSetting('none: only auth calls it'),
  managementPort: managementPortSetting,
  ...connectionSettings,
  token: { type: 'string', env: env.faceServiceToken, required: true, secret: true, description: 'the credential callers must present' },
  mongodbUri: { type: 'string', env: env.mongodbUri, secret: true, description: 'MongoDB connection string (production)' },
  databaseUrl: { type: 'string', env: 'DATABASE_URL', secret: true, description: 'PostgreSQL URL, when not MongoDB' },
  dataDir: { type: 'string', env: 'FACE_DATA_DIR', default: 'data/face', description: 'embedded database folder, when neither URL is set' },
  backend: { type: 'enum', env: env.faceBackend, default: 'wasm', options: BACKENDS, description: 'TensorFlow.js backend' },
  workers: { type: 'int', env: env.faceWorkers, default: availableParallelism(), min: 1, max: 64, description: 'inference worker threads' },
  queueMax: { type: 'int', env: 'FACE_QUEUE_MAX', default: 16, min: 0, max: 10000, description: 'images waiting for a worker before 503' },
  model: { type: 'enum', env: env.faceModel, default: DEFAULT_MODEL, options: FACE_MODELS, description: 'face descriptor (test/fixtures/faces/models.md); templates of another model are not compared: their users enroll again' },
  // 0 takes the threshold calibrated for the model on test/fixtures/faces (models.ts).
  threshold: { type: 'number', env: 'FACE_MATCH_THRESHOLD', default: 0, min: 0, max: 1, description: "cosine similarity for a match; 0: the model's calibrated threshold" },
  maxImageBytes: { type: 'int', env: 'FACE_MAX_IMAGE_BYTES', default: 8 * 1024 * 1024, min: 1024, max: 64 * 1024 * 1024, description: 'largest image accepted' },
  maxImages: { type: 'int', env: 'FACE_MAX_IMAGES', default: 8, min: 1, max: 32, description: 'images in one request' },
  maxPixels: { type: 'int', env: 'FACE_MAX_PIXELS', default: 25_000_000, min: 10_000, max: 200_000_000, description: 'largest width x height accepted' },
  analysisSide: { type: 'int', env: 'FACE_ANALYSIS_SIDE', default: 640, min: 128, max: 2048, description: 'images are scaled to fit this square' },
  minFacePx: { type: 'int', env: 'FACE_MIN_FACE_PX', default: 80, min: 16, max: 1024, description: 'smallest face in analysed pixels' },
  minDetectionScore: { type: 'number', env: 'FACE_MIN_DETECTION_SCORE', default: 0.6, min: 0, max: 1, description: 'detector confidence' },
  maxYawDeg: { type: 'number', env: 'FACE_MAX_YAW_DEG', default: 25, min: 0, max: 90, description: 'frontal: largest head turn' },
  maxPitchDeg: { type: 'number', env: 'FACE_MAX_PITCH_DEG', default: 25, min: 0, max: 90, description: 'frontal: largest nod' },
  maxRollDeg: { type: 'number', env: 'FACE_MAX_ROLL_DEG', default: 30, min: 0, max: 90, description: 'frontal: largest tilt' },
  maxTemplates: { type: 'int', env: 'FACE_MAX_TEMPLATES', default: 10, min: 1, max: 100, description: 'templates a subject may have' },
  liveness: { type: 'enum', env: env.faceLiveness, default: livenessModes.default, options: LIVENESS_MODES, description: 'active liveness check on verify' },
  turnDeg: { type: 'number', env: 'FACE_LIVENESS_TURN_DEG', default: 15, min: 5, max: 60, description: 'head turn a challenge step needs, from the first frontal frame' },
  livenessSteps: { type: 'int', env: 'FACE_LIVENESS_STEPS', default: 3, min: 2, max: 6, description: 'head turns a challenge asks for, in random order' },
  stepSeconds: { type: 'int', env: 'FACE_LIVENESS_STEP_SECONDS', default: 10, min: 2, max: 60, description: 'time to make one asked turn' },
  maxFrames: { type: 'int', env: 'FACE_LIVENESS_MAX_FRAMES', default: 80, min: 10, max: 1000, description: 'frames one challenge may receive' },
  challengeTtlSeconds: { type: 'int', env: 'FACE_LIVENESS_TTL_SECONDS', default: 120, min: 10, max: 3600, description: 'how long a challenge may be answered' },
} as const satisfies Record<string, Setting>;

export type FaceConfig = ConfigOf<typeof faceSettings>;

/** The threshold in force: the one set, or the one calibrated for the model. */
export const thresholdOf = (cfg: Pick<FaceConfig, 'threshold' | 'model'>): number => cfg.threshold || CALIBRATED_THRESHOLD[cfg.model];

export const loadFaceConfig = (e: NodeJS.ProcessEnv = process.env): FaceConfig => loadConfig(faceSettings, e);
