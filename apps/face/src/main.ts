import { runService } from '../../shared/main.ts';
import { loadFaceConfig } from './config.ts';
import { createFaceServer } from './server.ts';

/** `node apps/face/main.mjs`: the face service, configured from the environment. */
await runService('face', (log) => createFaceServer(loadFaceConfig(), { log }));
