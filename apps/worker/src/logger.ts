import { pino, type Logger as PinoLogger } from 'pino';

/** The logging the worker needs; a pino logger satisfies it. */
export type Logger = Pick<PinoLogger, 'debug' | 'info' | 'warn' | 'error'>;

/** A JSON logger on stdout (pino), the default when the caller passes none. */
export function defaultLogger(): Logger {
  return pino({ name: 'onda-worker' });
}
