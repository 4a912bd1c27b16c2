import { describe, expect, it } from 'vitest';
import { SignInThrottle } from '../auth/sign-in-throttle.js';
import { MemoryRateLimiter } from '../common/rate-limit.js';
import { sha256Hex } from '../common/token-crypto.js';
import type { ApiOptions } from '../common/tokens.js';
import { ConsoleLinks } from './console-links.js';

const links = (perAddress = 5) => {
  const throttle = new SignInThrottle(new MemoryRateLimiter({ limit: 100, windowMs: 60_000 }), new MemoryRateLimiter({ limit: perAddress, windowMs: 60_000 }));
  return new ConsoleLinks({ publicUrl: 'https://onda.example' } as ApiOptions, throttle);
};

describe(ConsoleLinks.name, () => {
  it('issues a fresh token in the fragment of the console page, keeping only its digest', () => {
    const sut = links();
    const reset = sut.issue('rst_', 'reset');
    expect(reset.token).toMatch(/^rst_[A-Za-z0-9_-]{43}$/);
    expect(reset.digest).toBe(sha256Hex(reset.token));
    expect(reset.url).toBe(`https://onda.example/console/reset#token=${reset.token}`);
    const invitation = sut.issue('inv_', 'accept');
    expect(invitation.url).toBe(`https://onda.example/console/accept#token=${invitation.token}`);
    expect(invitation.token).not.toBe(reset.token);
  });

  it('redeems a token as its digest within the address budget of sign-in, then answers 429', async () => {
    const sut = links(2);
    expect(await sut.redeem('inv_x', '203.0.113.9')).toBe(sha256Hex('inv_x'));
    expect(await sut.redeem('inv_y', '203.0.113.9')).toBe(sha256Hex('inv_y'));
    await expect(sut.redeem('inv_z', '203.0.113.9')).rejects.toMatchObject({ code: 'rate_limited' });
    expect(await sut.redeem('inv_z', '198.51.100.1')).toBe(sha256Hex('inv_z'));
  });
});
