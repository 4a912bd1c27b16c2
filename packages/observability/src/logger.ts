import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** The one logger factory of every role: JSON lines on stdout (pino), named `onda-<role>`. */
export function createLogger(role: 'api' | 'ingest' | 'worker', level = 'info'): Logger {
  return pino({ name: `onda-${role}`, level });
}
