/**
 * The configuration contract between the charts and the services: ports, probe paths,
 * environment variable names, secret keys, the UID images run as. The chart generator
 * (src/chart) writes these names and the services (apps/) read them, both from here,
 * so this is the one place they are spelled.
 */
export const HTTP_PORT = 8080;
/**
 * Where the dashboard answers its probes and metrics in the cluster: a port of the pod that
 * neither its Service nor the Ingress routes, so /metrics and /readyz stay inside.
 */
export const MANAGEMENT_PORT = 9090;
export const MONGODB_PORT = 27017;

/**
 * The largest body auth forwards to the face service (camera frames as base64 JSON), and
 * so the largest the face service reads: a bigger one would only hold its event loop.
 */
export const FACE_BODY_LIMIT_BYTES = 8 * 2 ** 20;

export const probes = { liveness: '/healthz', readiness: '/readyz' } as const;

/** The UID the application images run as; MongoDB's official image uses 999. */
export const APP_UID = 10001;
export const MONGODB_UID = 999;

export const env = {
  port: 'PORT',
  managementPort: 'MANAGEMENT_PORT',
  logFormat: 'LOG_FORMAT',
  trustedProxies: 'TRUSTED_PROXIES',
  connectionsPerClient: 'HTTP_CONNECTIONS_PER_CLIENT',
  mongodbUri: 'MONGODB_URI',
  faceServiceUrl: 'FACE_SERVICE_URL',
  faceServiceToken: 'FACE_SERVICE_TOKEN',
  faceBackend: 'FACE_BACKEND',
  faceWorkers: 'FACE_WORKERS',
  faceLiveness: 'FACE_LIVENESS',
  faceModel: 'FACE_MODEL',
  authServiceUrl: 'AUTH_SERVICE_URL',
  dashboardPlantName: 'DASHBOARD_PLANT_NAME',
  dashboardHelp: 'DASHBOARD_HELP',
  authCookieSecure: 'AUTH_COOKIE_SECURE',
  authSessionIdleMinutes: 'AUTH_SESSION_IDLE_MINUTES',
  authSessionAbsoluteHours: 'AUTH_SESSION_ABSOLUTE_HOURS',
  authPasswordContextWords: 'AUTH_PASSWORD_CONTEXT_WORDS',
  authAdminBootstrapToken: 'AUTH_ADMIN_BOOTSTRAP_TOKEN',
  authAdminSecondFactor: 'AUTH_ADMIN_SECOND_FACTOR',
  authTimeoutSeconds: 'AUTH_TIMEOUT_SECONDS',
  authFaceTimeoutMs: 'AUTH_FACE_TIMEOUT_MS',
  authHashMaxWaitMs: 'AUTH_HASH_MAX_WAIT_MS',
} as const;

export const secretKeys = {
  mongodbRootPassword: 'mongodb-root-password',
  mongodbUri: 'mongodb-uri',
  faceServiceToken: 'face-service-token',
  adminBootstrapToken: 'admin-bootstrap-token',
} as const;

/**
 * The face descriptors a plant may choose, and the default. Why these two, and not the
 * other models human can load, is measured in test/fixtures/faces/models.md and argued in
 * apps/face/src/engine/models.ts.
 */
export const faceModels = { options: ['faceres', 'faceres-deep'], default: 'faceres' } as const;

/** Liveness checks the face service runs at verify. */
export const livenessModes = { options: ['headturn', 'off'], default: 'headturn' } as const;

/** Face inference backends: wasm everywhere, tfjs-node-gpu on GPU sites. */
export const faceBackend = { cpu: 'wasm', gpu: 'tensorflow-gpu' } as const;

/** Why the face service refuses an image (its 422 `reason`); auth turns each into a fixed message. */
export const rejectReasons = [
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
export type RejectReason = (typeof rejectReasons)[number];
