import { runService } from '../../shared/main.ts';
import { loadFrontendConfig } from './config.ts';
import { createFrontendServer } from './server.ts';

/** `node apps/frontend/main.mjs`: the frontend service, configured from the environment. */
await runService('frontend', (log) => createFrontendServer(loadFrontendConfig(), { log }));
