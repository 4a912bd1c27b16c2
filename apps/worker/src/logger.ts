import { createLogger, type Logger as PinoLogger } from '@onda/observability';

/** The logging the worker needs; a pino logger satisfies it. */
export type Logger = Pick<PinoLogger, 'debug' | 'info' | 'warn' | 'error'>;

/** A JSON logger on stdout (pino), the default when the caller passes none. */
export function defaultLogger(level = 'info'): Logger {
  return createLogger('worker', level);
}

type Method = 'debug' | 'info' | 'warn' | 'error';

/**
 * A logger whose every line carries `bindings` (`jobId`, `liveSessionId`, `vodId`): a pino child when
 * the logger is pino, otherwise a wrapper that merges them into each line's object.
 */
export function withContext(logger: Logger, bindings: Record<string, unknown>): Logger {
  const child = (logger as Partial<PinoLogger>).child;
  if (typeof child === 'function') return child.call(logger, bindings);
  const wrap = (m: Method) => (first: unknown, ...rest: unknown[]) => {
    const fields = first instanceof Error ? { ...bindings, err: first } : typeof first === 'object' && first !== null ? { ...bindings, ...first } : null;
    const log = logger[m] as (...args: unknown[]) => void;
    if (fields) log.call(logger, fields, ...rest);
    else log.call(logger, bindings, first, ...rest);
  };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') } as Logger;
}
