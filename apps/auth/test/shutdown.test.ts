import path from 'node:path';
import { expect, it } from 'vitest';
import { tempDirs } from '../../../test/support/temp.ts';
import { lostAccounts } from '../../local/test/traffic.ts';
import { createLogger } from '../../shared/log.ts';
import { loadAuthConfig } from '../src/config.ts';
import { createAuthServer } from '../src/server.ts';
import { Browser, PASSWORD } from './support.ts';

const temp = tempDirs();

/**
 * A rolling update stops a pod while logins wait for their password hash (Kubernetes
 * sends SIGTERM and the process closes the server). Each waiting one is answered 503 busy
 * with Retry-After at once, for the dashboard to try again on another replica; the running
 * ones finish and are stored; no request fails on a database closed under it.
 */
it('stopping with registrations queued: each answered 201 or 503 busy, none fails, every 201 stored', async () => {
  const dataDir = temp('shutdown');
  const auth = createAuthServer(
    loadAuthConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      AUTH_DATA_DIR: path.join(dataDir, 'auth'),
      FACE_SERVICE_URL: 'http://127.0.0.1:9',
      FACE_SERVICE_TOKEN: 'unused',
      AUTH_SCRYPT_LOG_N: '15',
      AUTH_HASH_CONCURRENCY: '1',
      AUTH_HASH_MAX_WAIT_MS: '60000',
      AUTH_REGISTRATIONS_PER_HOUR: '1000',
    }),
    { log: createLogger('auth-test', 'silent') },
  );
  const { url } = await auth.start();
  const emails = Array.from({ length: 8 }, (_, i) => `stop-${i}@plant.example`);
  let firstStored!: () => void;
  const stored = new Promise<void>((resolve) => (firstStored = resolve));
  const answers = emails.map(async (email) => {
    const b = await new Browser(url).open();
    const r = await b.post('/api/register', { email, name: 'Shift Worker', password: PASSWORD });
    if (r.status === 201) firstStored();
    return { email, status: r.status, code: r.body?.error?.code as string | undefined, retryAfter: r.headers.get('retry-after') };
  });
  // Stop once one account is stored: by then the others are at the server, behind one hash at a time.
  await stored;
  await auth.close();
  const results = await Promise.all(answers);

  const unexpected = results.filter((r) => r.status !== 201 && !(r.status === 503 && r.code === 'busy' && Number(r.retryAfter) >= 1));
  expect(unexpected).toEqual([]);
  const acknowledged = results.filter((r) => r.status === 201).map((r) => r.email);
  expect(acknowledged.length).toBeGreaterThanOrEqual(1);
  expect((await lostAccounts(dataDir, acknowledged)).missing).toEqual([]);
}, 60_000);
