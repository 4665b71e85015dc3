import express, { Router, type Request, type Response } from 'express';
import { FACE_BODY_LIMIT_BYTES } from '../../shared/contract.ts';
import { handle } from '../../shared/http.ts';
import { textGuard } from '../../shared/text.ts';
import type { PlantAdmin } from './admin.ts';
import { notAuthenticated } from './errors.ts';
import type { AuthService } from './service.ts';
import { csrfGuard, newToken, type CookieJar } from './session.ts';
import type { Client, Issued } from './sessions.ts';
import type { SessionDoc } from './store.ts';

const body = (req: Request): Record<string, unknown> => (req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {});

/** The /api routes the dashboard calls through the frontend (apps/auth/API.md). */
export function authRoutes(service: AuthService, jar: CookieJar, admin: PlantAdmin): Router {
  const r = Router();
  // Before any body is read: a forged request costs no parsing.
  r.use(csrfGuard(jar));
  // Camera frames are the only large bodies (8 JPEGs of a few hundred KB, as base64),
  // accepted only from a session that may send them.
  r.use(['/login/face', '/me/face'], (_req, res, next) => next(res.locals.session ? undefined : notAuthenticated()), express.json({ limit: FACE_BODY_LIMIT_BYTES }), textGuard);
  r.use(express.json({ limit: '16kb' }), textGuard);

  const client = (req: Request, res: Response): Client => ({
    ip: req.ip ?? 'unknown',
    userAgent: (req.get('user-agent') ?? '').slice(0, 200),
    session: res.locals.session as SessionDoc | undefined,
    deviceToken: jar.deviceToken(req),
  });
  const session = (res: Response) => res.locals.session as SessionDoc | undefined;
  const need = (res: Response): SessionDoc => {
    const s = session(res);
    if (!s) throw notAuthenticated();
    return s;
  };
  const setCookies = (res: Response, issued: Issued) => {
    jar.setSession(res, issued.token, issued.csrf);
    if (issued.device) jar.setDevice(res, issued.device);
  };
  const anonymous = (res: Response) => {
    const csrf = newToken();
    jar.clearSession(res);
    jar.setCsrf(res, csrf);
    return { stage: 'anonymous' as const, csrfToken: csrf };
  };

  r.get('/session', handle(async (req, res) => {
    const s = session(res);
    if (s) {
      jar.setCsrf(res, s.csrf);
      res.json({ stage: s.stage, csrfToken: s.csrf, ...(s.stage === 'full' && { user: await service.account.me(s) }) });
      return;
    }
    const csrf = jar.csrfToken(req) ?? newToken();
    jar.setCsrf(res, csrf);
    res.json({ stage: 'anonymous', csrfToken: csrf });
  }));

  r.post('/register', handle(async (req, res) => {
    const { user, issued } = await service.password.register(body(req) as never, client(req, res));
    setCookies(res, issued);
    res.status(201).json({ stage: issued.stage, user, csrfToken: issued.csrf });
  }));

  r.post('/login', handle(async (req, res) => {
    const { user, issued } = await service.password.login(body(req) as never, client(req, res));
    setCookies(res, issued);
    res.json({ stage: issued.stage, ...(user && { user }), csrfToken: issued.csrf });
  }));

  r.post('/login/face/challenge', handle(async (_req, res) => {
    const challenge = await service.secondFactor.challenge(need(res));
    if (challenge) res.status(201).json(challenge);
    else res.json({ mode: 'off' });
  }));

  r.post('/login/face/frames', handle(async (req, res) => {
    res.json(await service.secondFactor.faceFrames(need(res), body(req) as never));
  }));

  r.post('/login/face', handle(async (req, res) => {
    const { user, issued } = await service.secondFactor.loginFace(need(res), body(req) as never, client(req, res));
    setCookies(res, issued);
    res.json({ stage: issued.stage, user, csrfToken: issued.csrf });
  }));

  r.post('/login/recovery', handle(async (req, res) => {
    const { user, issued } = await service.secondFactor.loginRecovery(need(res), body(req) as never, client(req, res));
    setCookies(res, issued);
    res.json({ stage: issued.stage, user, csrfToken: issued.csrf });
  }));

  r.post('/logout', handle(async (req, res) => {
    await service.account.logout(client(req, res));
    res.json(anonymous(res));
  }));

  r.get('/me', handle(async (_req, res) => {
    res.json({ user: await service.account.me(need(res)) });
  }));

  r.get('/me/logins', handle(async (_req, res) => {
    res.json({ logins: await service.account.logins(need(res)) });
  }));

  r.post('/me/password', handle(async (req, res) => {
    const issued = await service.password.changePassword(need(res), body(req) as never, client(req, res));
    setCookies(res, issued);
    res.json({ csrfToken: issued.csrf });
  }));

  r.post('/me/face/check', handle(async (req, res) => {
    res.json(await service.secondFactor.checkFrame(need(res), body(req) as never));
  }));

  r.post('/me/face', handle(async (req, res) => {
    res.status(201).json(await service.secondFactor.enrollFace(need(res), body(req) as never, client(req, res)));
  }));

  r.delete('/me/face', handle(async (req, res) => {
    res.json({ user: await service.secondFactor.disableFace(need(res), body(req) as never, client(req, res)) });
  }));

  r.post('/me/sessions/end-others', handle(async (req, res) => {
    res.json({ ended: await service.account.endOtherSessions(need(res), client(req, res)) });
  }));

  r.post('/me/recovery-codes', handle(async (req, res) => {
    res.json({ recoveryCodes: await service.secondFactor.regenerateRecoveryCodes(need(res), body(req) as never, client(req, res)) });
  }));

  r.delete('/me', handle(async (req, res) => {
    await service.account.deleteAccount(need(res), body(req) as never, client(req, res));
    jar.clearDevice(res);
    res.json({ deleted: true, ...anonymous(res) });
  }));

  // --- the plant administrator (admin.ts) ---------------------------------------------
  const id = (req: Request) => String(req.params.id);

  // A reset code an administrator handed over: the one password change without the old password.
  r.post('/password-reset', handle(async (req, res) => {
    await admin.redeemReset(body(req) as never, client(req, res));
    res.json({ reset: true });
  }));

  r.post('/admin/claim', handle(async (req, res) => {
    res.json({ user: await admin.claim(session(res), body(req) as never, client(req, res)) });
  }));

  r.get('/admin/users', handle(async (req, res) => {
    res.json(await admin.users(session(res), req.query as never));
  }));

  r.get('/admin/users/:id', handle(async (req, res) => {
    res.json({ user: await admin.user(session(res), id(req)) });
  }));

  r.delete('/admin/users/:id', handle(async (req, res) => {
    await admin.deleteAccount(session(res), id(req), client(req, res));
    res.json({ deleted: true });
  }));

  r.post('/admin/users/:id/unlock', handle(async (req, res) => {
    res.json({ user: await admin.unlock(session(res), id(req), client(req, res)) });
  }));

  r.post('/admin/users/:id/password-reset', handle(async (req, res) => {
    res.status(201).json(await admin.issueReset(session(res), id(req), client(req, res)));
  }));

  r.delete('/admin/users/:id/face', handle(async (req, res) => {
    res.json({ user: await admin.eraseFace(session(res), id(req), client(req, res)) });
  }));

  r.post('/admin/users/:id/role', handle(async (req, res) => {
    res.json({ user: await admin.setRole(session(res), id(req), body(req) as never, client(req, res)) });
  }));

  r.get('/admin/audit', handle(async (req, res) => {
    res.json(await admin.auditTrail(session(res), req.query as never));
  }));

  return r;
}
