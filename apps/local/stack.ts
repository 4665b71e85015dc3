import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { createLogger } from '../shared/log.ts';
import { privateDir } from '../shared/store/sql-clients.ts';
import { loadAuthConfig } from '../auth/src/config.ts';
import { createAuthServer } from '../auth/src/server.ts';
import { loadFaceConfig } from '../face/src/config.ts';
import { createFaceServer } from '../face/src/server.ts';
import { loadFrontendConfig } from '../frontend/src/config.ts';
import { createFrontendServer } from '../frontend/src/server.ts';

export interface LocalStackOptions {
  /** The dashboard's port (default 8080; 0 for any free port). */
  port?: number;
  /** Embedded databases live under this folder; 'memory' keeps nothing. */
  dataDir?: string;
  faceWorkers?: number;
  liveness?: 'headturn' | 'off';
  /** Extra settings for the auth service (tests lower the scrypt cost, raise limits). */
  authEnv?: Record<string, string>;
  /** Extra settings for the face service (tests match the needed head turn to their clips). */
  faceEnv?: Record<string, string>;
  /** Extra settings for the dashboard (a plant's name and help line). */
  frontendEnv?: Record<string, string>;
  logLevel?: string;
  /** Told what is starting, for a person waiting at the terminal (`npm start`). */
  progress?: (step: string) => void;
}

export interface LocalStack {
  url: string;
  authUrl: string;
  faceUrl: string;
  /** The credential made up for this run (tests call the face service directly with it). */
  faceToken: string;
  /** The code that makes the first administrator this run (AUTH_ADMIN_BOOTSTRAP_TOKEN). */
  adminSetupCode: string;
  close(): Promise<void>;
}

/**
 * The whole application on one machine, as `npm start` runs it: face, auth and the
 * dashboard, each configured through the same settings the chart sets in a cluster, with
 * embedded databases. Only the dashboard's port is fixed; the others take free ports on
 * 127.0.0.1. The face credential is made up per run: there is nothing to configure.
 */
export async function startLocalStack(o: LocalStackOptions = {}): Promise<LocalStack> {
  const level = o.logLevel ?? 'warn';
  const token = randomBytes(32).toString('base64url');
  // Made up per run too: it works only until someone is administrator, and `npm start` prints it.
  const adminSetupCode = randomBytes(12).toString('base64url');
  const say = o.progress ?? (() => undefined);
  // The root too: each service makes its own folder private, but the root holds them all.
  if (o.dataDir !== 'memory') privateDir(o.dataDir ?? 'data');
  const db = (service: string) => (o.dataDir === 'memory' ? { DATABASE_URL: 'pglite:memory' } : { [`${service.toUpperCase()}_DATA_DIR`]: path.join(o.dataDir ?? 'data', service) });

  say(`face service: loading the face models into ${o.faceWorkers ?? Math.min(2, availableParallelism())} workers (about half a minute)…`);
  const face = createFaceServer(
    loadFaceConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      FACE_SERVICE_TOKEN: token,
      FACE_WORKERS: String(o.faceWorkers ?? Math.min(2, availableParallelism())),
      FACE_LIVENESS: o.liveness ?? 'headturn',
      ...db('face'),
      ...o.faceEnv,
    }),
    { log: createLogger('face', level) },
  );
  const faceUrl = (await face.start()).url;
  say('auth service: opening its database…');
  const auth = createAuthServer(
    loadAuthConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      FACE_SERVICE_URL: faceUrl,
      FACE_SERVICE_TOKEN: token,
      // Plain HTTP on 127.0.0.1: browsers refuse Secure __Host- cookies there.
      AUTH_COOKIE_SECURE: 'false',
      AUTH_ADMIN_BOOTSTRAP_TOKEN: adminSetupCode,
      ...db('auth'),
      ...o.authEnv,
    }),
    { log: createLogger('auth', level) },
  );
  const authUrl = (await auth.start()).url;
  say('dashboard: preparing its files…');
  const frontend = createFrontendServer(loadFrontendConfig({ PORT: String(o.port ?? 8080), HOST: '127.0.0.1', AUTH_SERVICE_URL: authUrl, ...o.frontendEnv }), {
    log: createLogger('frontend', level),
  });
  const { url } = await frontend.start();
  return {
    url,
    authUrl,
    faceUrl,
    faceToken: token,
    adminSetupCode: o.authEnv?.AUTH_ADMIN_BOOTSTRAP_TOKEN ?? adminSetupCode,
    async close() {
      await frontend.close();
      await auth.close();
      await face.close();
    },
  };
}
