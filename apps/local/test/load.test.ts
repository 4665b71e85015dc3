import { expect, it } from 'vitest';
import { tempDirs } from '../../../test/support/temp.ts';
import { Browser, PASSWORD } from '../../auth/test/support.ts';
import { startLocalStack } from '../stack.ts';
import { lostAccounts, openLoop } from './traffic.ts';

const temp = tempDirs();
const CLIENTS = 50;
const SECONDS = Number(process.env.KV_LOAD_SECONDS ?? 30);

/**
 * 50 clients on 127.0.0.1 register, log out, log in, read the profile and log out again,
 * through the dashboard's origin, at the production scrypt cost, for a bounded time. Then
 * the stack is stopped and its database reopened from disk: every account the service
 * acknowledged must be there. Each client goes on past the time until it has registered
 * once: nobody may be starved by the others, however slow the machine (a slow one needs
 * more than 30 s for 100 production-cost hashes); how many flows fit in the time is the
 * benchmark's business.
 */
it(`${CLIENTS} clients for ${SECONDS} s of register and login: no unexpected error, no lost account`, async () => {
  const dataDir = temp('load');
  const stack = await startLocalStack({ port: 0, dataDir, faceWorkers: 1, authEnv: { AUTH_REGISTRATIONS_PER_HOUR: '1000000' } });
  const acknowledged: string[] = [];
  const unexpected: string[] = [];
  let operations = 0;
  let busy = 0;
  const until = Date.now() + SECONDS * 1000;
  const client = async (n: number) => {
    let i = 0;
    let registered = false;
    while ((Date.now() < until || !registered) && unexpected.length === 0) {
      const email = `load-${n}-${i++}@plant.example`;
      const b = await new Browser(stack.url).open();
      const steps: [string, () => Promise<{ status: number; body: any }>, number][] = [
        ['register', () => b.post('/api/register', { email, name: `Worker ${n}`, password: PASSWORD }), 201],
        ['logout', () => b.post('/api/logout'), 200],
        ['login', () => b.post('/api/login', { email, password: PASSWORD }), 200],
        ['me', () => b.get('/api/me'), 200],
        ['logout', () => b.post('/api/logout'), 200],
      ];
      flow: for (const [name, step, want] of steps) {
        for (;;) {
          const r = await step();
          operations++;
          if (r.status === want) break;
          // Overload answered as it should be: at once, 503 busy, with when to come back. The client does as told.
          if (r.status === 503 && r.body?.error?.code === 'busy' && Number(r.body.error.retryAfter) >= 1) {
            busy++;
            const wait = Number(r.body.error.retryAfter) * 1000;
            if (registered && Date.now() + wait > until) break flow;
            await new Promise((resolve) => setTimeout(resolve, wait));
            continue;
          }
          unexpected.push(`${name} ${email}: ${r.status} ${JSON.stringify(r.body)}`);
          break flow;
        }
        if (name === 'register') {
          acknowledged.push(email);
          registered = true;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
  await stack.close();

  expect(unexpected.slice(0, 5)).toEqual([]);
  expect(acknowledged.length).toBeGreaterThanOrEqual(CLIENTS);
  const { missing, stored } = await lostAccounts(dataDir, acknowledged);
  expect(missing).toEqual([]);
  expect(stored).toBe(acknowledged.length);
  console.log(`load: ${CLIENTS} clients, ${SECONDS} s, ${operations} requests, ${acknowledged.length} accounts, ${busy} fast 503 busy (retried after Retry-After), 0 unexpected`);
}, 180_000);

/**
 * Far beyond capacity: registrations arrive open-loop at 30 a second for 10 s (2 cores
 * register about 6 a second at the production scrypt cost, npm run bench -- overload), as
 * terminals that do not wait for each other. Every answer is a success or an immediate 503
 * busy with Retry-After: no 504, no hang, no other error; and every acknowledged account is
 * in the database afterwards. How fast the 503s come is measured by the benchmark, not here.
 */
it('registrations offered at 30/s for 10 s: each answer a success or a 503 busy with Retry-After, nothing lost', async () => {
  const dataDir = temp('overload');
  const stack = await startLocalStack({ port: 0, dataDir, faceWorkers: 1, authEnv: { AUTH_REGISTRATIONS_PER_HOUR: '1000000' } });
  const acknowledged: string[] = [];
  const other: string[] = [];
  let busy = 0;
  const rate = 30;
  await openLoop(rate, (i) => i < rate * 10, async (i) => {
    const email = `burst-${i}@plant.example`;
    const b = await new Browser(stack.url).open();
    const r = await b.post('/api/register', { email, name: 'Burst', password: PASSWORD });
    if (r.status === 201) acknowledged.push(email);
    else if (r.status === 503 && r.body?.error?.code === 'busy' && Number(r.headers.get('retry-after')) >= 1) busy++;
    else other.push(`${r.status} ${JSON.stringify(r.body)}`);
  });
  await stack.close();
  expect(other.slice(0, 5)).toEqual([]);
  // Not asserted: that some were refused (a machine with many cores may take them all).
  expect(acknowledged.length, 'some got through').toBeGreaterThan(0);
  expect((await lostAccounts(dataDir, acknowledged)).missing).toEqual([]);
  console.log(`overload: ${rate * 10} registrations offered at ${rate}/s: ${acknowledged.length} registered, ${busy} fast 503 busy, 0 other answers, none lost`);
}, 180_000);
