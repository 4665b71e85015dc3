import { env } from '../../shared/contract.ts';
import { connectionSettings, loadConfig, managementPortSetting, trustedProxiesSetting, type ConfigOf, type Setting } from '../../shared/config.ts';

/**
 * Every setting of the auth service. Defaults are the reference numbers
 * (../shared/docs/face-auth-reference.md): OWASP scrypt cost, ASVS session limits,
 * NIST SP 800-63B-4 throttling.
 */
export const authSettings = {
  port: { type: 'int', env: env.port, default: 8081, min: 0, max: 65535, description: 'HTTP port (0: any free port)' },
  host: { type: 'string', env: 'HOST', default: '0.0.0.0', description: 'address to listen on' },
  trustedProxies: trustedProxiesSetting('the dashboard'),
  managementPort: managementPortSetting,
  ...connectionSettings,
  mongodbUri: { type: 'string', env: env.mongodbUri, secret: true, description: 'MongoDB connection string (production)' },
  databaseUrl: { type: 'string', env: 'DATABASE_URL', secret: true, description: 'PostgreSQL URL, when not MongoDB' },
  dataDir: { type: 'string', env: 'AUTH_DATA_DIR', default: 'data/auth', description: 'embedded database folder, when neither URL is set' },
  faceServiceUrl: { type: 'url', env: env.faceServiceUrl, required: true, description: 'base URL of the face service' },
  faceServiceToken: { type: 'string', env: env.faceServiceToken, required: true, secret: true, description: 'credential presented to the face service' },
  faceTimeoutMs: { type: 'int', env: env.authFaceTimeoutMs, default: 10_000, min: 100, max: 120_000, description: "longest wait for the face service, then 503 face_unavailable; less than the dashboard's AUTH_TIMEOUT_SECONDS (the chart sets timeouts.faceSeconds)" },
  cookieSecure: { type: 'boolean', env: env.authCookieSecure, default: true, description: 'Secure cookies with the __Host- prefix; false only for plain-HTTP local runs' },
  sessionIdleMinutes: { type: 'int', env: env.authSessionIdleMinutes, default: 60, min: 1, max: 24 * 60, description: 'a session ends after this long without a request' },
  sessionAbsoluteHours: { type: 'int', env: env.authSessionAbsoluteHours, default: 24, min: 1, max: 24 * 30, description: 'a session ends this long after login, whatever happens' },
  scryptLogN: { type: 'int', env: 'AUTH_SCRYPT_LOG_N', default: 17, min: 14, max: 20, description: 'scrypt cost N = 2^value for new hashes (OWASP: 17)' },
  hashConcurrency: { type: 'int', env: 'AUTH_HASH_CONCURRENCY', default: 2, min: 1, max: 64, description: "password hashes computed at once: each holds 128 MiB while it runs, so two fit the chart's 512Mi limit beside the process; more than the cores only makes each slower" },
  hashQueueMax: { type: 'int', env: 'AUTH_HASH_QUEUE_MAX', default: 64, min: 1, max: 10_000, description: 'password hashes waiting before 503 (each needs 128 MiB while it runs)' },
  hashMaxWaitMs: { type: 'int', env: env.authHashMaxWaitMs, default: 5000, min: 100, max: 60_000, description: "longest a login may wait for a password hash to start (from the measured time of one) before 503: well inside the gateway's AUTH_TIMEOUT_SECONDS (the chart sets timeouts.passwordQueueSeconds)" },
  passwordMinLength: { type: 'int', env: 'AUTH_PASSWORD_MIN_LENGTH', default: 8, min: 8, max: 64, description: 'shortest password accepted (characters)' },
  passwordContextWords: { type: 'string', env: env.authPasswordContextWords, default: '', description: "names a password must not be built from besides the product's and the user's own (the plant, its sites), comma-separated; the chart writes the plant's" },
  passwordFreeAttempts: { type: 'int', env: 'AUTH_PASSWORD_FREE_ATTEMPTS', default: 5, min: 1, max: 100, description: 'consecutive wrong passwords before waits start' },
  ipFailuresPerHour: { type: 'int', env: 'AUTH_IP_FAILURES_PER_HOUR', default: 100, min: 1, max: 1_000_000, description: 'failed logins from one client address per hour before it is refused' },
  registrationsPerHour: { type: 'int', env: 'AUTH_REGISTRATIONS_PER_HOUR', default: 100, min: 1, max: 1_000_000, description: 'accounts one client address may create per hour' },
  adminBootstrapToken: { type: 'string', env: env.authAdminBootstrapToken, secret: true, minLength: 16, description: "the setup code that makes the plant's first administrator (the chart keeps one in a Secret); unset: no first administrator can be made" },
  adminSecondFactor: { type: 'boolean', env: env.authAdminSecondFactor, default: true, description: 'administration needs a login with the second factor (face or a recovery code); the chart turns it off only when the plant runs without face login' },
  adminFreshMinutes: { type: 'int', env: 'AUTH_ADMIN_FRESH_MINUTES', default: 15, min: 1, max: 240, description: 'administration needs a login at most this long ago' },
  passwordResetHours: { type: 'int', env: 'AUTH_PASSWORD_RESET_HOURS', default: 24, min: 1, max: 168, description: 'how long a password reset code an administrator issued works' },
  auditRetentionDays: { type: 'int', env: 'AUTH_AUDIT_RETENTION_DAYS', default: 365, min: 1, max: 3650, description: 'how long audit events are kept' },
} as const satisfies Record<string, Setting>;

export type AuthConfig = ConfigOf<typeof authSettings>;

export const loadAuthConfig = (e: NodeJS.ProcessEnv = process.env): AuthConfig => loadConfig(authSettings, e);
