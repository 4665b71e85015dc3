import { startLocalStack } from './stack.ts';

/** `npm start`: the application on this machine at http://127.0.0.1:8080. */
const port = process.env.PORT ? Number(process.env.PORT) : 8080;
try {
  process.stdout.write('KubeVision: starting face, auth and the dashboard on this machine\n');
  const started = Date.now();
  const stack = await startLocalStack({ port, logLevel: process.env.LOG_LEVEL ?? 'warn', progress: (step) => process.stdout.write(`  ${step}\n`) });
  process.stdout.write(`  ready in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  process.stdout.write(`\nKubeVision is running: ${stack.url}\n(data in ./data, readable by you only; Ctrl-C stops it)\n`);
  process.stdout.write(`Administrator setup code for this run: ${stack.adminSetupCode} (at ${stack.url}/admin, after setting up face login; only while there is no administrator)\n\n`);
  const stop = async () => {
    await stack.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
} catch (e) {
  const err = e as NodeJS.ErrnoException;
  process.stderr.write(
    err.code === 'EADDRINUSE' ? `port ${port} is in use; stop what uses it or run PORT=8090 npm start\n` : `cannot start: ${err.message}\n`,
  );
  process.exit(1);
}
