import path from 'node:path';
import { expect, it } from 'vitest';
import { tempDirs } from '../../../test/support/temp.ts';
import { AuthStore } from '../../auth/src/store.ts';
import { Browser, PASSWORD } from '../../auth/test/support.ts';
import { openStore } from '../../shared/store/open.ts';
import { startLocalStack } from '../stack.ts';

const temp = tempDirs();
const CLIENTS = 50;
const SECONDS = Number(process.env.KV_LOAD_SECONDS ?? 30);

/**
 * 50 clients on 127.0.0.1 register, log out, log in, read the profile and log out again,
 * through the dashboard's origin, at the production scrypt cost, for a bounded time. Then
 * the stack is stopped and its database reopened from disk: every account the service
 * acknowledged must be there.
 */
it(`${CLIENTS} clients for ${SECONDS} s of register and login: no unexpected error, no lost account`, async () => {
  const dataDir = temp('load');
  const stack = await startLocalStack({ port: 0, dataDir, faceWorkers: 1, authEnv: { AUTH_REGISTRATIONS_PER_HOUR: '1000000' } });
  const acknowledged: string[] = [];
  const unexpected: string[] = [];
  let operations = 0;
  const until = Date.now() + SECONDS * 1000;
  const client = async (n: number) => {
    let i = 0;
    while (Date.now() < until) {
      const email = `load-${n}-${i++}@plant.example`;
      const b = await new Browser(stack.url).open();
      const steps: [string, () => Promise<{ status: number; body: any }>, number][] = [
        ['register', () => b.post('/api/register', { email, name: `Worker ${n}`, password: PASSWORD }), 201],
        ['logout', () => b.post('/api/logout'), 200],
        ['login', () => b.post('/api/login', { email, password: PASSWORD }), 200],
        ['me', () => b.get('/api/me'), 200],
        ['logout', () => b.post('/api/logout'), 200],
      ];
      for (const [name, step, want] of steps) {
        const r = await step();
        operations++;
        if (r.status !== want) {
          unexpected.push(`${name} ${email}: ${r.status} ${JSON.stringify(r.body)}`);
          break;
        }
        if (name === 'register') acknowledged.push(email);
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
  await stack.close();

  expect(unexpected.slice(0, 5)).toEqual([]);
  expect(acknowledged.length).toBeGreaterThanOrEqual(CLIENTS);
  const db = await openStore(undefined, { dataDir: path.join(dataDir, 'auth') });
  try {
    const store = await AuthStore.open(db);
    const missing: string[] = [];
    for (const email of acknowledged) if (!(await store.userByEmail(email))) missing.push(email);
    expect(missing).toEqual([]);
    expect(await store.users.count({})).toBe(acknowledged.length);
  } finally {
    await db.close();
  }
  console.log(`load: ${CLIENTS} clients, ${SECONDS} s, ${operations} requests, ${acknowledged.length} accounts, 0 unexpected`);
}, 180_000);
