import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { HttpError } from '../../shared/http.ts';
import { PRODUCT_WORDS, contextWordIn, isBreached, wordsOf } from './blocklist/blocklist.ts';

/**
 * Password storage: scrypt with OWASP's parameters (N=2^17, r=8, p=1), a 16-byte salt
 * and a 32-byte key. The parameters travel with each hash, so raising the cost later
 * rehashes on the next successful login instead of locking anyone out.
 */
export interface ScryptParams {
  logN: number;
  r: number;
  p: number;
}

const KEY_BYTES = 32;
const FORMAT = /^scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.logN;
  // Node's default maxmem (32 MiB) refuses N=2^17, r=8, which needs 128 * N * r = 128 MiB.
  const opts: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 128 * N * params.r * 2 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_BYTES, opts, (e, key) => (e ? reject(e) : resolve(key))));
}

export interface HasherLimits {
  /** Derivations waiting before 503 (each will need 128 MiB while it runs). */
  queueMax: number;
  /**
   * Derivations computed at once. Each holds 128 MiB (at N=2^17, r=8), so this times
   * 128 MiB must fit the container's memory limit beside the process itself; above the
   * cores there is, more at once only makes each slower.
   */
  concurrency?: number;
  /** Longest a newcomer may expect to wait for its derivation to start before 503, in ms. */
  maxWaitMs?: number;
  /** Told the seconds of each derivation (the metrics histogram). */
  onHash?: (seconds: number) => void;
}

export class PasswordHasher {
  /** The running derivations, each with when it started (process.hrtime, ns). */
  private readonly running = new Set<{ at: bigint }>();
  private readonly waiting: { start: () => void; refuse: (e: Error) => void }[] = [];
  private decoy: Promise<string> | undefined;
  /** Moving average of one derivation here while others run, in ms (0 until one has been measured). */
  private serviceMs = 0;
  private closed = false;
  private idle: (() => void) | undefined;
  private readonly queueMax: number;
  private readonly concurrency: number;
  private readonly maxWaitMs: number;
  private readonly onHash: (seconds: number) => void;

  /**
   * The queue is bounded twice: by length (queueMax) and by the wait a newcomer would
   * have (maxWaitMs, from the measured time of a derivation). Beyond either, 503 at once:
   * a fast "try again", never a gateway timeout.
   */
  constructor(
    readonly params: ScryptParams,
    limits: HasherLimits,
  ) {
    this.queueMax = limits.queueMax;
    this.concurrency = limits.concurrency ?? 2;
    this.maxWaitMs = limits.maxWaitMs ?? Infinity;
    this.onHash = limits.onHash ?? (() => undefined);
  }

  /**
   * Measures one derivation before the first request (and makes the decoy with it), so
   * the first burst after a start is bounded by a known cost: unmeasured, every
   * newcomer's wait would read 0 and a whole queue would be admitted at once.
   * Returns the measured ms.
   */
  async calibrate(): Promise<number> {
    await this.decoyHash();
    return this.serviceMs;
  }

  /** What a hash asked for now would wait before it starts, in ms. */
  expectedWaitMs(): number {
    if (this.running.size < this.concurrency) return 0;
    // A machine that slowed down shows in the running derivations before any of them ends.
    const now = process.hrtime.bigint();
    let oldest = 0;
    for (const r of this.running) oldest = Math.max(oldest, Number(now - r.at) / 1e6);
    return Math.ceil((this.waiting.length + 1) / this.concurrency) * Math.max(this.serviceMs, oldest);
  }

  /**
   * Stops taking work: those waiting are answered 503 at once (the process is going away;
   * another replica can take them), and the promise resolves when the running ones end.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.refuse(stopping());
    if (this.running.size > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await this.limited(() => derive(password, salt, this.params));
    const { logN, r, p } = this.params;
    return `scrypt$ln=${logN},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const m = FORMAT.exec(stored);
    if (!m) throw new Error('unrecognised password hash format');
    const params = { logN: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
    const expected = Buffer.from(m[5]!, 'base64');
    const key = await this.limited(() => derive(password, Buffer.from(m[4]!, 'base64'), params));
    return key.length === expected.length && timingSafeEqual(key, expected);
  }

  /**
   * The same work as checking a real password, for an unknown account or a throttled
   * attempt: the response must not be faster than a wrong password.
   */
  async verifyDecoy(password: string): Promise<false> {
    await this.verify(password, await this.decoyHash());
    return false;
  }

  private decoyHash(): Promise<string> {
    if (!this.decoy) {
      this.decoy = this.hash(randomBytes(16).toString('hex'));
      // A refused first try (busy) must not stay the decoy for good.
      this.decoy.catch(() => (this.decoy = undefined));
    }
    return this.decoy;
  }

  needsRehash(stored: string): boolean {
    const m = FORMAT.exec(stored);
    return !m || Number(m[1]) < this.params.logN || Number(m[2]) !== this.params.r || Number(m[3]) !== this.params.p;
  }

  private async limited<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw stopping();
    if (this.running.size >= this.concurrency) {
      const wait = this.expectedWaitMs();
      if (this.waiting.length >= this.queueMax || wait > this.maxWaitMs) {
        const retry = String(Math.max(1, Math.ceil(wait / 1000)));
        throw new HttpError(503, 'busy', 'too many logins at once; try again in a few seconds', { retryAfter: Number(retry) }, { 'retry-after': retry });
      }
      await new Promise<void>((start, refuse) => this.waiting.push({ start, refuse }));
    }
    const run = { at: process.hrtime.bigint() };
    this.running.add(run);
    try {
      return await fn();
    } finally {
      this.running.delete(run);
      const seconds = Number(process.hrtime.bigint() - run.at) / 1e9;
      this.serviceMs = this.serviceMs === 0 ? seconds * 1000 : 0.8 * this.serviceMs + 0.2 * seconds * 1000;
      this.onHash(seconds);
      this.waiting.shift()?.start();
      if (this.running.size === 0) this.idle?.();
    }
  }
}

const stopping = () => new HttpError(503, 'busy', 'the service is stopping; try again', { retryAfter: 1 }, { 'retry-after': '1' });

export const PASSWORD_MAX_LENGTH = 128;

export type WeakReason = 'too_short' | 'too_long' | 'common' | 'contains_email' | 'context';

/** What a password must not be built from besides breached ones: the plant's words and the user's own. */
export interface PasswordContext {
  /** The plant's, site's and deployment's names (AUTH_PASSWORD_CONTEXT_WORDS). */
  words: string[];
  /** The user's name, as registered. */
  name?: string;
}

/**
 * ASVS V6 and NIST SP 800-63B-4 §3.1.1.2: length only (no composition rules), any
 * characters; not breached (blocklist/: SecLists' top 1M, also dressed up with look-alikes,
 * capitals and a short tail); not built from the account's email, the user's name, the
 * product or the plant. Length counts characters, not bytes or UTF-16 units.
 */
export function passwordProblem(password: string, email: string, minLength: number, context: PasswordContext = { words: [] }): { reason: WeakReason; message: string } | null {
  const length = [...password.normalize('NFC')].length;
  if (length < minLength) return { reason: 'too_short', message: `use at least ${minLength} characters` };
  if (length > PASSWORD_MAX_LENGTH) return { reason: 'too_long', message: `use at most ${PASSWORD_MAX_LENGTH} characters` };
  if (isBreached(password)) return { reason: 'common', message: 'this password, or the word under it, is in lists of breached passwords; choose another' };
  const lower = password.toLowerCase();
  const local = email.split('@')[0] ?? '';
  if (lower.includes(email) || (local.length >= 4 && lower.includes(local)) || contextWordIn(password, wordsOf(email))) {
    return { reason: 'contains_email', message: 'the password must not contain your email address' };
  }
  const word = contextWordIn(password, [...PRODUCT_WORDS, ...context.words.flatMap((w) => wordsOf(w)), ...wordsOf(context.name ?? '')]);
  if (word) return { reason: 'context', message: `the password must not be built from "${word}": avoid the names of the product, the plant and yourself` };
  return null;
}
