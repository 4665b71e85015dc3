import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * What a log line keeps of an error: its kind, message, code and stack, and the same of
 * its cause. Nothing else: a database driver's error carries the failed query's
 * parameters and the row it was writing (PGlite's `params`, `where`; PostgreSQL's
 * `detail`), which hold password hashes and personal data.
 */
export function errorForLog(err: unknown, depth = 0): Record<string, unknown> | string {
  if (typeof err === 'string') return err.slice(0, 500);
  if (!(err instanceof Error)) {
    // A summary built for the log ({ code, message }): its text fields only.
    const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
    return { ...(typeof code === 'string' && { code }), ...(typeof message === 'string' && { message }) };
  }
  const { code } = err as { code?: unknown };
  return {
    type: err.name,
    message: err.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(err.stack && { stack: err.stack }),
    ...(err.cause !== undefined && depth < 3 ? { cause: errorForLog(err.cause, depth + 1) } : {}),
  };
}

/** One JSON object per line on stdout, as every KubeVision service logs. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: errorForLog, error: errorForLog },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'password', 'token'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
