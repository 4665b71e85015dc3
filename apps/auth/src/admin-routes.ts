import type { Request } from 'express';
import * as requests from './requests.ts';
import { client, route, session, signedIn } from './route-parts.ts';

const id = (req: Request) => String(req.params.id);

/**
 * The plant administrator's routes (admin.ts), after the account's in routes.ts and in
 * the same shape. Each checks role and a fresh login in its handler: after the input.
 */
export const adminRouteTable = [
  // A reset code an administrator handed over: the one password change without the old password.
  route({
    method: 'post',
    path: '/password-reset',
    summary: 'Set a new password with the one-time code an administrator issued; every session ends',
    body: requests.redeemResetBody,
    status: 200,
    errors: [400, 403, 429],
    handle: async ({ req, res, body }, d) => {
      await d.admin.redeemReset(body, client(d, req, res));
      return { reset: true };
    },
  }),
  route({
    method: 'post',
    path: '/admin/claim',
    summary: "Become the plant's first administrator with the operator's setup code (fresh login with the second factor)",
    body: requests.claimBody,
    status: 200,
    errors: [400, 401, 403, 409, 429],
    before: signedIn,
    handle: async ({ req, res, body }, d) => ({ user: await d.admin.claim(session(res), body, client(d, req, res)) }),
  }),
  route({
    method: 'get',
    path: '/admin/users',
    summary: 'Accounts by email, a page at a time, with their throttling (admin)',
    query: requests.usersQuery,
    status: 200,
    errors: [400, 401, 403],
    before: signedIn,
    handle: async ({ res, query }, d) => d.admin.users(session(res), query),
  }),
  route({
    method: 'get',
    path: '/admin/users/:id',
    summary: 'One account with its throttling, sessions and pending reset (admin)',
    status: 200,
    errors: [400, 401, 403, 404],
    before: signedIn,
    handle: async ({ req, res }, d) => ({ user: await d.admin.user(session(res), id(req)) }),
  }),
  route({
    method: 'delete',
    path: '/admin/users/:id',
    summary: 'Erase another account: face templates first, then everything but the audit trail (admin)',
    status: 200,
    errors: [400, 401, 403, 404, 409, 503],
    before: signedIn,
    handle: async ({ req, res }, d) => {
      await d.admin.deleteAccount(session(res), id(req), client(d, req, res));
      return { deleted: true };
    },
  }),
  route({
    method: 'post',
    path: '/admin/users/:id/unlock',
    summary: 'Clear every throttle of the account (admin)',
    status: 200,
    errors: [400, 401, 403, 404],
    before: signedIn,
    handle: async ({ req, res }, d) => ({ user: await d.admin.unlock(session(res), id(req), client(d, req, res)) }),
  }),
  route({
    method: 'post',
    path: '/admin/users/:id/password-reset',
    summary: 'A one-time password reset code to hand over, shown once (admin)',
    status: 201,
    errors: [400, 401, 403, 404],
    before: signedIn,
    handle: async ({ req, res }, d) => d.admin.issueReset(session(res), id(req), client(d, req, res)),
  }),
  route({
    method: 'delete',
    path: '/admin/users/:id/face',
    summary: 'Turn face login off and erase the templates (admin)',
    status: 200,
    errors: [400, 401, 403, 404, 503],
    before: signedIn,
    handle: async ({ req, res }, d) => ({ user: await d.admin.eraseFace(session(res), id(req), client(d, req, res)) }),
  }),
  route({
    method: 'post',
    path: '/admin/users/:id/role',
    summary: 'Make an administrator, or take it back (admin)',
    body: requests.roleBody,
    status: 200,
    errors: [400, 401, 403, 404, 409],
    before: signedIn,
    handle: async ({ req, res, body }, d) => ({ user: await d.admin.setRole(session(res), id(req), body, client(d, req, res)) }),
  }),
  route({
    method: 'get',
    path: '/admin/audit',
    summary: 'The audit trail, newest first, filtered; nothing can change or delete it (admin)',
    query: requests.auditQuery,
    status: 200,
    errors: [400, 401, 403],
    before: signedIn,
    handle: async ({ res, query }, d) => d.admin.auditTrail(session(res), query),
  }),
];
