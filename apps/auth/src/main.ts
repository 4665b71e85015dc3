import { runService } from '../../shared/main.ts';
import { loadAuthConfig } from './config.ts';
import { createAuthServer } from './server.ts';

/** `node apps/auth/main.mjs`: the auth service, configured from the environment. */
await runService('auth', (log) => createAuthServer(loadAuthConfig(), { log }));
