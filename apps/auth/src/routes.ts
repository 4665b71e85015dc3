import express, { Router, type Response } from 'express';
import { FACE_BODY_LIMIT_BYTES } from '../../shared/contract.ts';
import { mount } from '../../shared/route-table.ts';
import { textGuard } from '../../shared/text.ts';
import type { PlantAdmin } from './admin.ts';
import { adminRouteTable } from './admin-routes.ts';
import { notAuthenticated } from './errors.ts';
import * as requests from './requests.ts';
import { client, need, route, session, signedIn, type Parts } from './route-parts.ts';
import type { AuthService } from './service.ts';
import { csrfGuard, newToken, type CookieJar } from './session.ts';
import type { Issued } from './sessions.ts';

/** The /api routes the dashboard calls through the frontend (apps/auth/API.md). */
export function authRoutes(service: AuthService, jar: CookieJar, admin: PlantAdmin): Router {
  const r = Router();
  // Before any body is read: a forged request costs no parsing.
  r.use(csrfGuard(jar));
  // Camera frames are the only large bodies (8 JPEGs of a few hundred KB, as base64),
  // accepted only from a session that may send them.
  r.use(['/login/face', '/me/face'], (_req, res, next) => next(res.locals.session ? undefined : notAuthenticated()), express.json({ limit: FACE_BODY_LIMIT_BYTES }), textGuard);
  r.use(express.json({ limit: '16kb' }), textGuard);
  mount(r, authRouteTable, { service, jar, admin });
  return r;
}

const setCookies = ({ jar }: Parts, res: Response, issued: Issued) => {
  jar.setSession(res, issued.token, issued.csrf);
  if (issued.device) jar.setDevice(res, issued.device);
};
/** The answer to a step that issued a session: its cookies, its stage, the user once known, the CSRF token. */
const issuedSession = <U>(d: Parts, res: Response, { user, issued }: { user?: U; issued: Issued }) => {
  setCookies(d, res, issued);
  return { stage: issued.stage, ...(user && { user }), csrfToken: issued.csrf };
};
const anonymous = ({ jar }: Parts, res: Response) => {
  const csrf = newToken();
  jar.clearSession(res);
  jar.setCsrf(res, csrf);
  return { stage: 'anonymous' as const, csrfToken: csrf };
};

/**
 * The account's routes under /api, in the order the router tries them. A route with `before:
 * signedIn` answers 401 to a request without a session before its body is looked at, as
 * it did when each handler checked the session first.
 */
const accountRouteTable = [
  route({
    method: 'get',
    path: '/session',
    summary: 'The current stage and a CSRF token (sets the CSRF cookie)',
    status: 200,
    errors: [],
    handle: async ({ req, res }, d) => {
      const s = session(res);
      if (s) {
        d.jar.setCsrf(res, s.csrf);
        return { stage: s.stage, csrfToken: s.csrf, ...(s.stage === 'full' && { user: await d.service.account.me(s) }) };
      }
      const csrf = d.jar.csrfToken(req) ?? newToken();
      d.jar.setCsrf(res, csrf);
      return { stage: 'anonymous', csrfToken: csrf };
    },
  }),
  route({
    method: 'post',
    path: '/register',
    summary: 'Create an account and log in',
    body: requests.registerBody,
    status: 201,
    errors: [400, 403, 409, 429],
    handle: async ({ req, res, body }, d) => issuedSession(d, res, await d.service.password.register(body, client(d, req, res))),
  }),
  route({
    method: 'post',
    path: '/login',
    summary: 'Password step; one generic 401 for unknown account, wrong password or throttling',
    body: requests.loginBody,
    status: 200,
    errors: [400, 401, 403, 503],
    handle: async ({ req, res, body }, d) => issuedSession(d, res, await d.service.password.login(body, client(d, req, res))),
  }),
  route({
    method: 'post',
    path: '/login/face/challenge',
    summary: 'A head-turn challenge for the face step, bound to this session (or {mode: off}); its steps are revealed one at a time',
    status: 201,
    errors: [401, 403, 409, 429, 503],
    before: signedIn,
    handle: async ({ res }, d) => {
      // 201 for a challenge made, 200 when there is none to make: answered here.
      const challenge = await d.service.secondFactor.challenge(need(res));
      if (challenge) res.status(201).json(challenge);
      else res.json({ mode: 'off' });
      return undefined;
    },
  }),
  route({
    method: 'post',
    path: '/login/face/frames',
    summary: "Camera frames answering this session's challenge, as they are taken (1 to 4 a request, one request at a time): what to do now",
    body: requests.faceFramesBody,
    status: 200,
    errors: [400, 401, 403, 409, 410, 413, 422, 503],
    before: signedIn,
    handle: async ({ res, body }, d) => d.service.secondFactor.faceFrames(need(res), body),
  }),
  route({
    method: 'post',
    path: '/login/face',
    summary: "Face step: judge this session's answered challenge (or, liveness off, one image)",
    body: requests.faceLoginBody,
    status: 200,
    errors: [400, 401, 403, 409, 410, 422, 429, 503],
    before: signedIn,
    handle: async ({ req, res, body }, d) => issuedSession(d, res, await d.service.secondFactor.loginFace(need(res), body, client(d, req, res))),
  }),
  route({
    method: 'post',
    path: '/login/recovery',
    summary: 'Second step with a single-use recovery code',
    body: requests.recoveryLoginBody,
    status: 200,
    errors: [400, 401, 403, 429],
    before: signedIn,
    handle: async ({ req, res, body }, d) => issuedSession(d, res, await d.service.secondFactor.loginRecovery(need(res), body, client(d, req, res))),
  }),
  route({
    method: 'post',
    path: '/logout',
    summary: 'End the session',
    status: 200,
    errors: [403],
    handle: async ({ req, res }, d) => {
      await d.service.account.logout(client(d, req, res));
      return anonymous(d, res);
    },
  }),
  route({
    method: 'get',
    path: '/me',
    summary: 'The logged-in user',
    status: 200,
    errors: [401],
    before: signedIn,
    handle: async ({ res }, d) => ({ user: await d.service.account.me(need(res)) }),
  }),
  route({
    method: 'get',
    path: '/me/logins',
    summary: 'Recent login attempts, newest first (at most 20)',
    status: 200,
    errors: [401],
    before: signedIn,
    handle: async ({ res }, d) => ({ logins: await d.service.account.logins(need(res)) }),
  }),
  route({
    method: 'post',
    path: '/me/password',
    summary: 'Change the password; other sessions end',
    body: requests.changePasswordBody,
    status: 200,
    errors: [400, 401, 403],
    before: signedIn,
    handle: async ({ req, res, body }, d) => {
      const issued = await d.service.password.changePassword(need(res), body, client(d, req, res));
      setCookies(d, res, issued);
      return { csrfToken: issued.csrf };
    },
  }),
  route({
    method: 'post',
    path: '/me/face/check',
    summary: 'Quality gates on one camera frame, for live guidance',
    body: requests.faceCheckBody,
    status: 200,
    errors: [400, 401, 403, 429, 503],
    before: signedIn,
    handle: async ({ res, body }, d) => d.service.secondFactor.checkFrame(need(res), body),
  }),
  route({
    method: 'post',
    path: '/me/face',
    summary: 'Enroll the face (1 to 5 frontal captures); returns recovery codes once if there were none',
    body: requests.enrollBody,
    status: 201,
    errors: [400, 401, 403, 409, 422, 503],
    before: signedIn,
    handle: async ({ req, res, body }, d) => d.service.secondFactor.enrollFace(need(res), body, client(d, req, res)),
  }),
  route({
    method: 'delete',
    path: '/me/face',
    summary: 'Turn face login off and delete the templates (password needed)',
    body: requests.passwordBody,
    status: 200,
    errors: [400, 401, 403, 503],
    before: signedIn,
    handle: async ({ req, res, body }, d) => ({ user: await d.service.secondFactor.disableFace(need(res), body, client(d, req, res)) }),
  }),
  route({
    method: 'post',
    path: '/me/sessions/end-others',
    summary: 'Log out everywhere else: every other session of the account ends',
    body: requests.emptyBody,
    status: 200,
    errors: [400, 401, 403],
    before: signedIn,
    handle: async ({ req, res }, d) => ({ ended: await d.service.account.endOtherSessions(need(res), client(d, req, res)) }),
  }),
  route({
    method: 'post',
    path: '/me/recovery-codes',
    summary: 'New recovery codes; the old ones stop working (password needed)',
    body: requests.passwordBody,
    status: 200,
    errors: [400, 401, 403],
    before: signedIn,
    handle: async ({ req, res, body }, d) => ({ recoveryCodes: await d.service.secondFactor.regenerateRecoveryCodes(need(res), body, client(d, req, res)) }),
  }),
  route({
    method: 'delete',
    path: '/me',
    summary: 'Delete the account and its face templates (password needed)',
    body: requests.passwordBody,
    status: 200,
    errors: [400, 401, 403, 503],
    before: signedIn,
    handle: async ({ req, res, body }, d) => {
      await d.service.account.deleteAccount(need(res), body, client(d, req, res));
      d.jar.clearDevice(res);
      return { deleted: true, ...anonymous(d, res) };
    },
  }),
];

/** Every route under /api, in the order the router tries them: the account's, then the administrator's. */
export const authRouteTable = [...accountRouteTable, ...adminRouteTable];
