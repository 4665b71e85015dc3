import { createLogger } from '../../apps/shared/log.ts';
import { loadAuthConfig } from '../../apps/auth/src/config.ts';
import { PasswordHasher } from '../../apps/auth/src/passwords.ts';
import { createAuthServer } from '../../apps/auth/src/server.ts';
import { Browser } from '../../apps/auth/test/browser.ts';
import type { BenchContext, Row } from './context.ts';
import { median, percentile } from './stats.ts';

const PASSWORD = 'correct horse battery staple';
const RUNS = {
  /** Raw scrypt derivations (the floor), before and after the logins. */
  floor: 15,
  /** Logins per concurrency level, after a warm-up. */
  perLevel: { 1: 40, 2: 40, 8: 64 } as Record<number, number>,
  warmup: 4,
};

/**
 * Password login through the auth service's HTTP API, at the production scrypt cost
 * (N=2^17, r=8, p=1), against the cost of one scrypt derivation measured in the same
 * run. A login is one derivation plus the session, counters, audit and cookies; the
 * target is p95 within 1.2x of the hash at concurrency 1.
 */
export async function benchAuth(ctx: BenchContext): Promise<Row[]> {
  const cfg = loadAuthConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: 'pglite:memory',
    FACE_SERVICE_URL: 'http://127.0.0.1:9',
    FACE_SERVICE_TOKEN: 'bench',
    AUTH_REGISTRATIONS_PER_HOUR: '100000',
  });
  const server = createAuthServer(cfg, { log: createLogger('auth-bench', 'silent') });
  const { url } = await server.start();
  try {
    const hasher = new PasswordHasher({ logN: cfg.scryptLogN, r: 8, p: 1 }, { queueMax: 100 });
    const stored = await hasher.hash(PASSWORD);
    const floorRuns = async () => {
      const ms: number[] = [];
      for (let i = 0; i < RUNS.floor; i++) {
        const t = performance.now();
        await hasher.verify(PASSWORD, stored);
        ms.push(performance.now() - t);
      }
      return ms;
    };

    ctx.log('auth: registering 8 accounts');
    const accounts: string[] = [];
    for (let i = 0; i < 8; i++) {
      const email = `bench-${i}-${Date.now()}@plant.example`;
      const b = await new Browser(url).open();
      const r = await b.post('/api/register', { email, name: 'Bench', password: PASSWORD });
      if (r.status !== 201) throw new Error(`register: ${r.status} ${JSON.stringify(r.body)}`);
      accounts.push(email);
    }
    const login = async (b: Browser, email: string) => {
      const t = performance.now();
      const r = await b.post('/api/login', { email, password: PASSWORD });
      const ms = performance.now() - t;
      if (r.status !== 200) throw new Error(`login: ${r.status} ${JSON.stringify(r.body)}`);
      return ms;
    };

    ctx.log('auth: raw scrypt floor');
    const floorBefore = await floorRuns();
    const rows: Row[] = [];
    const floorAll: number[] = [...floorBefore];
    for (const level of [1, 2, 8]) {
      ctx.log(`auth: logins at concurrency ${level}`);
      const browsers = await Promise.all(accounts.slice(0, level).map(() => new Browser(url).open()));
      for (let i = 0; i < RUNS.warmup; i++) await login(browsers[0]!, accounts[0]!);
      const total = RUNS.perLevel[level]!;
      const samples: number[] = [];
      let next = 0;
      const t0 = performance.now();
      await Promise.all(
        browsers.map(async (b, i) => {
          while (next < total) {
            next++;
            samples.push(await login(b, accounts[i]!));
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      if (level === 1) floorAll.push(...(await floorRuns()));
      const floor = median(floorAll);
      rows.push({
        what: `password login over HTTP, concurrency ${level} (${(samples.length / seconds).toFixed(1)} logins/s)`,
        n: null,
        samples,
        floorMedian: floor,
        ratioNote: `one scrypt derivation N=2^${cfg.scryptLogN} in-process, median ${floor.toFixed(0)} ms, p95 ${percentile(floorAll, 95).toFixed(0)} ms (${floorAll.length} runs, same run)${level === 1 ? `; login/hash: p95 ${(percentile(samples, 95) / percentile(floorAll, 95)).toFixed(2)}x, median ${(median(samples) / floor).toFixed(2)}x, p95 login / median hash ${(percentile(samples, 95) / floor).toFixed(2)}x` : ''}`,
        target: level === 1 ? 'p95 <= 1.2x hash' : undefined,
      });
    }
    rows.unshift({ what: `scrypt N=2^${cfg.scryptLogN}, r=8, p=1: one derivation (the floor)`, n: null, samples: floorAll });
    ctx.note(`auth: libuv runs ${process.env.UV_THREADPOOL_SIZE ?? 4} scrypt derivations at once on ${(await import('node:os')).availableParallelism()} cores; beyond the cores, concurrency adds queueing, not throughput.`);
    return rows;
  } finally {
    await server.close();
  }
}
