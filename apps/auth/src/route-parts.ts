import type { Request, Response } from 'express';
import { routeFor } from '../../shared/route-table.ts';
import type { PlantAdmin } from './admin.ts';
import { notAuthenticated } from './errors.ts';
import type { AuthService } from './service.ts';
import type { CookieJar } from './session.ts';
import type { Client } from './sessions.ts';
import type { SessionDoc } from './store.ts';

/** What the handlers of auth's route tables (routes.ts, admin-routes.ts) work with, and the helpers both use. */
export interface Parts {
  service: AuthService;
  jar: CookieJar;
  admin: PlantAdmin;
}
export const route = routeFor<Parts>();

export const client = ({ jar }: Parts, req: Request, res: Response): Client => ({
  ip: req.ip ?? 'unknown',
  userAgent: (req.get('user-agent') ?? '').slice(0, 200),
  session: res.locals.session as SessionDoc | undefined,
  deviceToken: jar.deviceToken(req),
});
export const session = (res: Response) => res.locals.session as SessionDoc | undefined;
export const need = (res: Response): SessionDoc => {
  const s = session(res);
  if (!s) throw notAuthenticated();
  return s;
};
/** A route's `before`: 401 to a request without a session, before its body is looked at. */
export const signedIn = (_req: Request, res: Response) => void need(res);
