import { describe, expect, it } from 'vitest';
import { rethrowUnique, UniqueViolation } from './unique-violation.js';

describe(rethrowUnique.name, () => {
  it("turns Prisma's unique-constraint failure (P2002) into a UniqueViolation naming what exists", () => {
    const prismaError = Object.assign(new Error('Unique constraint failed on the fields: (`slug`)'), { code: 'P2002' });
    expect(() => rethrowUnique('channel slug')(prismaError)).toThrow(UniqueViolation);
    expect(() => rethrowUnique('channel slug')(prismaError)).toThrow('already exists: channel slug');
  });

  it('rethrows any other error unchanged', () => {
    const other = Object.assign(new Error('connection lost'), { code: 'P1001' });
    expect(() => rethrowUnique('channel slug')(other)).toThrow(other);
  });
});
