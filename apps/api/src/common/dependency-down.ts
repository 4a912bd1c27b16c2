/**
 * Whether an error means a backing service (PostgreSQL, Redis, S3) could not be reached or dropped the
 * connection, rather than a bug: such a request is answered 503 `unavailable` with Retry-After, not 500,
 * and the client (or the balancer) tries again once the service is back. Walks the error's `cause` chain,
 * as drivers wrap the socket error (Prisma's adapter, the AWS SDK, ioredis).
 */
const CODES = new Set([
  // sockets
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  // PostgreSQL: admin shutdown, cannot connect now, connection failures
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006',
  // Prisma: cannot reach, timed out, closed the connection, pool timeout
  'P1001', 'P1002', 'P1008', 'P1017', 'P2024',
]);
const NAMES = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'MaxRetriesPerRequestError', 'TimeoutError']);
const MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Connection is closed|Can't reach database|Timed out fetching a new connection|Stream isn't writeable|socket hang up|ECONNREFUSED|ECONNRESET/i;

export function isDependencyDown(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 6) return false;
  const e = err as { code?: unknown; name?: unknown; kind?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && CODES.has(e.code)) return true;
  if (typeof e.name === 'string' && NAMES.has(e.name)) return true;
  if (typeof e.kind === 'string' && NAMES.has(e.kind)) return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  // AggregateError (a host with several addresses), and Prisma's adapter error keeps the driver's in `cause`.
  if (Array.isArray(e.errors) && e.errors.some((x) => isDependencyDown(x, depth + 1))) return true;
  return isDependencyDown(e.cause, depth + 1);
}
