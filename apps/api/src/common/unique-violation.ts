/**
 * A unique index refused a write. Repositories throw this instead of Prisma's P2002, so a service decides what a
 * conflict means without knowing the database client.
 */
export class UniqueViolation extends Error {
  constructor(readonly what: string) {
    super(`already exists: ${what}`);
    this.name = 'UniqueViolation';
  }
}

/** For a repository's `.catch`: Prisma's unique-constraint failure (P2002) becomes a UniqueViolation; anything else is rethrown. */
export function rethrowUnique(what: string): (e: unknown) => never {
  return (e) => {
    if ((e as { code?: string }).code === 'P2002') throw new UniqueViolation(what);
    throw e;
  };
}
