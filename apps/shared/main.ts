import { ConfigError } from './config.ts';
import { createLogger, type Logger } from './log.ts';

interface Runnable {
  start(): Promise<{ url: string }>;
  close(): Promise<void>;
}

/**
 * A service's process: configure from the environment, start, stop cleanly on SIGTERM
 * (Kubernetes) or SIGINT. A bad setting ends it with exit code 1 and one fatal log line
 * that lists every problem by variable name.
 */
export async function runService(name: string, create: (log: Logger) => Runnable): Promise<void> {
  const log = createLogger(name);
  try {
    const server = create(log);
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
    else log.fatal({ err: e }, `${name} service cannot start: ${(e as Error).message}`);
    process.exit(1);
  }
}
