import type { AuthConfig } from './config.ts';
import { HOUR } from './counters.ts';
import { noFaceStep, notAuthenticated, secondFactorRequired } from './errors.ts';
import { DEVICE_DAYS, newToken } from './session.ts';
import { sha256, type AuthStore, type SessionDoc, type Stage, type UserDoc } from './store.ts';

/** Who is asking: the client address and browser, and the cookies that identify them. */
export interface Client {
  ip: string;
  userAgent: string;
  session?: SessionDoc;
  deviceToken?: string;
}

/** A new session for the client: the routes set its cookies (and a device cookie on full login). */
export interface Issued {
  stage: Stage;
  token: string;
  csrf: string;
  device?: string;
}

/** Sessions as login steps issue them and as routes need them (session.ts carries them in cookies). */
export class Sessions {
  constructor(
    private readonly cfg: AuthConfig,
    private readonly store: () => Promise<AuthStore>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A fresh session (new id, new CSRF token); the one it replaces is deleted. */
  async issue(user: UserDoc, stage: Stage, client: Client, proof: { factor?: SessionDoc['factor']; authenticatedAt?: string } = {}): Promise<Issued> {
    const store = await this.store();
    if (client.session) await store.sessions.delete(client.session.id);
    const now = this.clock();
    const token = newToken();
    const csrf = newToken();
    // A half-done login (password only) lives for the face step only.
    const absolute = now + (stage === 'full' ? this.cfg.sessionAbsoluteHours * HOUR : 10 * 60_000);
    await store.sessions.insert({
      id: sha256(token),
      userId: user.id,
      stage,
      csrf,
      createdAt: new Date(now).toISOString(),
      lastSeenAt: new Date(now).toISOString(),
      absoluteExpiresAt: new Date(absolute).toISOString(),
      expiresAt: new Date(Math.min(absolute, now + this.cfg.sessionIdleMinutes * 60_000)).toISOString(),
      ip: client.ip,
      userAgent: client.userAgent,
      authenticatedAt: proof.authenticatedAt ?? new Date(now).toISOString(),
      ...(proof.factor && { factor: proof.factor }),
    });
    if (stage !== 'full') return { stage, token, csrf };
    let device = client.deviceToken;
    const known = device ? await store.devices.get(sha256(device)) : null;
    if (!known || known.userId !== user.id) {
      device = newToken();
      await store.devices.insert({ id: sha256(device), userId: user.id, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + DEVICE_DAYS * 24 * HOUR).toISOString() });
    }
    return { stage, token, csrf, device };
  }

  /** The session's user; `need` is the stage the route requires. */
  async userOf(session: SessionDoc | undefined, need: Stage | 'any' = 'full'): Promise<UserDoc> {
    if (!session || (need !== 'any' && session.stage !== need)) {
      if (session?.stage === 'face' && need === 'full') throw secondFactorRequired();
      if (session && need === 'face') throw noFaceStep();
      throw notAuthenticated();
    }
    const user = await (await this.store()).users.get(session.userId);
    if (!user) throw notAuthenticated();
    return user;
  }
}
