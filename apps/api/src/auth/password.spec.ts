import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.js';

describe(hashPassword.name, () => {
  it('salts every hash and verifies only the right password', async () => {
    const sut = await hashPassword('correct horse battery');
    const again = await hashPassword('correct horse battery');
    expect(sut).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(again).not.toBe(sut);
    expect(await verifyPassword('correct horse battery', sut)).toBe(true);
    expect(await verifyPassword('correct horse battery!', sut)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});
