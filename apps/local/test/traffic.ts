import path from 'node:path';
import { AuthStore } from '../../auth/src/store.ts';
import { openStore } from '../../shared/store/open.ts';

/**
 * Open-loop arrivals, as terminals that do not wait for each other: `send(i)` is called at
 * `rate` a second, whatever the answers, while `more(i, elapsedMs)` holds; resolves when
 * every call has been answered, with how many were made.
 */
export async function openLoop(rate: number, more: (i: number, elapsedMs: number) => boolean, send: (i: number) => Promise<void>): Promise<number> {
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; more(i, performance.now() - start); i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send(i));
  }
  await Promise.all(inFlight);
  return inFlight.length;
}

/**
 * After a stack under `dataDir` stopped: its auth database reopened from disk, the accounts
 * of `emails` it does not hold (acknowledged but lost), and how many accounts it holds.
 */
export async function lostAccounts(dataDir: string, emails: string[]): Promise<{ missing: string[]; stored: number }> {
  const db = await openStore(undefined, { dataDir: path.join(dataDir, 'auth') });
  try {
    const store = await AuthStore.open(db);
    const missing: string[] = [];
    for (const email of emails) if (!(await store.userByEmail(email))) missing.push(email);
    return { missing, stored: await store.users.count({}) };
  } finally {
    await db.close();
  }
}
