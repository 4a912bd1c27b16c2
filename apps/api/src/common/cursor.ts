import { AppError } from './app-error.js';

/** A page of a keyset-paginated list, newest first. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CursorPosition {
  createdAt: Date;
  id: string;
}

/** Opaque cursors over (createdAt, id): stable under inserts, unlike offsets. */
export const encodeCursor = (c: CursorPosition): string => Buffer.from(`${c.createdAt.toISOString()}|${c.id}`).toString('base64url');

export function decodeCursor(cursor: string): CursorPosition {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw new AppError('validation_failed', 'cursor: not a cursor returned by this API', [{ path: 'cursor', message: 'invalid' }]);
  }
  return { createdAt, id };
}

/** Prisma `where` for rows after the cursor in (createdAt desc, id desc) order. */
export const afterCursor = (c: CursorPosition | undefined) =>
  c ? { OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }] } : {};

/** Fetch limit+1 rows, hand back limit of them and a cursor when there were more. */
export function toPage<R extends CursorPosition, T>(rows: R[], limit: number, map: (row: R) => T): Page<T> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(map), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
