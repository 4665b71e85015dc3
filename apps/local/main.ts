import { startLocalStack } from './stack.ts';

/** `npm start`: the application on this machine at http://127.0.0.1:8080. */
const port = process.env.PORT ? Number(process.env.PORT) : 8080;
try {
  const stack = await startLocalStack({ port, logLevel: process.env.LOG_LEVEL ?? 'warn' });
  process.stdout.write(`\nKubeVision is running: ${stack.url}\n(data in ./data; Ctrl-C stops it)\n\n`);
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
