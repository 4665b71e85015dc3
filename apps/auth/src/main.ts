import { ConfigError } from '../../shared/config.ts';
import { createLogger } from '../../shared/log.ts';
import { loadAuthConfig } from './config.ts';
import { createAuthServer } from './server.ts';

/** `node apps/auth/main.mjs`: the auth service, configured from the environment. */
const log = createLogger('auth');
try {
  const server = createAuthServer(loadAuthConfig(), { log });
  const { url } = await server.start();
  log.info({ url }, 'listening');
  const stop = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await server.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
} catch (e) {
  if (e instanceof ConfigError) log.fatal({ problems: e.problems }, e.message);
  else log.fatal({ err: e }, `auth service cannot start: ${(e as Error).message}`);
  process.exit(1);
}
