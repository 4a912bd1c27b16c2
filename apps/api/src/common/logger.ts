import type { LoggerService } from '@nestjs/common';
import { createLogger, type Logger } from '@onda/observability';

// Nest's start-up chatter (one line per module and route) is debug detail, not operations news.
const BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'WebSocketsController']);

/** Nest's logger interface over pino, so the API logs JSON lines like the ingest and the worker. */
export class PinoNestLogger implements LoggerService {
  private readonly pino: Logger;

  constructor(level = 'info') {
    this.pino = createLogger('api', level);
  }

  log(message: unknown, context?: string): void {
    if (context && BOOT_CONTEXTS.has(context)) this.pino.debug({ context }, String(message));
    else this.pino.info({ context }, String(message));
  }

  error(message: unknown, stackOrContext?: string, context?: string): void {
    this.pino.error({ context: context ?? stackOrContext, ...(context ? { stack: stackOrContext } : {}) }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.pino.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.pino.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.pino.trace({ context }, String(message));
  }
}
