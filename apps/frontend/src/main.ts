import { ConfigError } from '../../shared/config.ts';
import { createLogger } from '../../shared/log.ts';
import { loadFrontendConfig } from './config.ts';
import { createFrontendServer } from './server.ts';

/** `node apps/frontend/main.mjs`: the dashboard, configured from the environment. */
const log = createLogger('frontend');
try {
  const server = createFrontendServer(loadFrontendConfig(), { log });
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
  else log.fatal({ err: e }, `frontend cannot start: ${(e as Error).message}`);
  process.exit(1);
}
