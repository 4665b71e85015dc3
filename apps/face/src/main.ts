import { runService } from '../../shared/main.ts';
import { runAdmin } from './admin.ts';
import { loadFaceConfig } from './config.ts';
import { createFaceServer } from './server.ts';

/**
 * `node apps/face/main.mjs`: the face service, configured from the environment.
 * `node apps/face/main.mjs templates ...`: the operator's command (admin.ts).
 */
if (process.argv[2] === 'templates') {
  // The credential guards the HTTP API; this command runs beside the database instead.
  const cfg = loadFaceConfig({ FACE_SERVICE_TOKEN: 'unused-by-the-operator-command', ...process.env });
  process.exitCode = await runAdmin(cfg, process.argv.slice(3), (line) => console.log(line));
} else {
  await runService('face', (log) => createFaceServer(loadFaceConfig(), { log }));
}
