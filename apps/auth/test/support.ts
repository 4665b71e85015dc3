import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '../../shared/log.ts';
import { loadFaceConfig } from '../../face/src/config.ts';
import { createFaceServer, type FaceServer } from '../../face/src/server.ts';
import { loadAuthConfig } from '../src/config.ts';
import { createAuthServer, type AuthServer } from '../src/server.ts';
import { Browser } from './browser.ts';

export { Browser, type Reply } from './browser.ts';

export const FACE_TOKEN = 'test-face-token';

/** A clock tests can move forward (waits, session limits). */
export function testClock(start = Date.now()) {
  let now = start;
  const clock = () => now;
  clock.advance = (ms: number) => {
    now += ms;
  };
  clock.set = (t: number) => {
    now = t;
  };
  return clock;
}
export type TestClock = ReturnType<typeof testClock>;

export interface AuthStack {
  url: string;
  auth: AuthServer;
  face?: FaceServer;
  faceUrl?: string;
  clock: TestClock;
  /** Restarts the face service at the same address with these settings on top (a plant's upgrade, or back after stopFace). */
  restartFace: (faceEnv: Record<string, string>) => Promise<void>;
  /** Stops the face service (an outage) until restartFace. */
  stopFace: () => Promise<void>;
  browser: (headers?: Record<string, string>) => Promise<Browser>;
  /** Registers (and stays logged in as) a new user. */
  user: (over?: Partial<{ email: string; password: string; name: string }>) => Promise<{ b: Browser; email: string; password: string; id: string }>;
}

/** Templates the face service holds for a subject, asked directly with the service credential. */
export async function templatesAt(s: AuthStack, subject: string): Promise<number> {
  const r = await fetch(`${s.faceUrl}/v1/subjects/${subject}/templates`, { headers: { authorization: `Bearer ${FACE_TOKEN}` } });
  return r.status === 404 ? 0 : ((await r.json()) as { templates: unknown[] }).templates.length;
}

let seq = 0;
export const uniqueEmail = (tag = 'user') => `${tag}-${process.pid}-${++seq}-${Date.now() % 100000}@plant.example`;
export const PASSWORD = 'correct horse battery staple';

/**
 * The auth service on a random port with its own database, for one test file; with a
 * real face service when `face` is set (real models, real photos), else pointing at a
 * closed port (the face service down).
 */
export function authStack(opts: { face?: boolean; env?: Record<string, string>; faceEnv?: Record<string, string>; namespace?: string } = {}): () => AuthStack {
  let stack: AuthStack | undefined;
  beforeAll(async () => {
    const log = createLogger('auth-test', 'silent');
    let face: FaceServer | undefined;
    let faceUrl = 'http://127.0.0.1:9';
    const faceEnv = (port: string, over: Record<string, string> = {}) => ({ FACE_SERVICE_TOKEN: FACE_TOKEN, PORT: port, HOST: '127.0.0.1', DATABASE_URL: 'pglite:memory', FACE_WORKERS: '2', FACE_LIVENESS: 'off', ...opts.faceEnv, ...over });
    if (opts.face) {
      face = createFaceServer(loadFaceConfig(faceEnv('0')), { log });
      faceUrl = (await face.start()).url;
    }
    const stopFace = async () => {
      await stack?.face?.close();
      if (stack) stack.face = undefined;
    };
    const restartFace = async (over: Record<string, string>) => {
      if (!opts.face) throw new Error('restartFace: this stack runs no face service');
      await stopFace();
      const next = createFaceServer(loadFaceConfig(faceEnv(new URL(faceUrl).port, over)), { log });
      await next.start();
      stack!.face = next;
    };
    const clock = testClock();
    const cfg = loadAuthConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: 'pglite:memory',
      FACE_SERVICE_URL: faceUrl,
      FACE_SERVICE_TOKEN: FACE_TOKEN,
      // Tests hash at 2^14 for speed; passwords.test.ts checks the production 2^17 default.
      AUTH_SCRYPT_LOG_N: '14',
      // The suite may share the machine with other work, and a face service's first request
      // opens its database and warms its workers: the production 10 s is not what a test checks.
      AUTH_FACE_TIMEOUT_MS: '60000',
      ...opts.env,
    });
    const auth = createAuthServer(cfg, { log, clock, namespace: opts.namespace });
    const { url } = await auth.start();
    const browser = async (headers: Record<string, string> = {}) => new Browser(url, headers).open();
    const user: AuthStack['user'] = async (over = {}) => {
      const email = over.email ?? uniqueEmail();
      const password = over.password ?? PASSWORD;
      const b = await browser();
      const r = await b.post('/api/register', { email, password, name: over.name ?? 'Test Worker' });
      if (r.status !== 201) throw new Error(`register failed: ${JSON.stringify(r.body)}`);
      return { b, email, password, id: r.body.user.id as string };
    };
    stack = { url, auth, face, faceUrl, clock, restartFace, stopFace, browser, user };
  }, 90_000);
  afterAll(async () => {
    await stack?.auth.close();
    await stack?.face?.close();
  });
  return () => stack!;
}
