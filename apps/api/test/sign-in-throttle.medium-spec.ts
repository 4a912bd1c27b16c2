import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@onda/db';
import { createAdminWithToken } from '../src/index.js';
import { startHarness, type Harness } from './harness.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

// Security issue #12, finding 8: password guessing is throttled per account and per address.
describe('sign-in throttling', () => {
  let db: TestDatabase;
  let h: Harness;
  const password = 'the right passphrase';

  beforeAll(async () => {
    db = await createTestDatabase();
    h = await startHarness({ signIn: { perAccount: { limit: 3, windowMs: 60_000 }, perAddress: { limit: 6, windowMs: 60_000 } } }, db);
  });
  afterAll(async () => {
    await h?.close();
    await db?.drop();
  });

  const signIn = (url: string, email: string, pw: string) => request(url).post('/v1/auth/sign-in').send({ email, password: pw });

  it('answers 429 problem+json with Retry-After past the per-account limit, even for the right password', async () => {
    const email = `victim-${randomUUID()}@example.com`;
    await createAdminWithToken(db.prisma, email, undefined, password);
    for (let i = 0; i < 3; i++) await signIn(h.sut.url, email, 'a wrong guess!!').expect(401);
    const refused = await signIn(h.sut.url, email, password).expect(429);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ code: 'rate_limited', detail: expect.stringMatching(/Too many sign-in attempts/) });
    // Another spelling of the same address is the same account.
    await signIn(h.sut.url, email.toUpperCase(), password).expect(429);
  });

  it('limits one address across accounts, unknown ones included', async () => {
    // 5 of this address's 6 attempts went to the first test; one more, then even a fresh account is refused.
    await signIn(h.sut.url, `nobody-${randomUUID()}@example.com`, 'whatever it is').expect(401);
    await signIn(h.sut.url, `nobody-${randomUUID()}@example.com`, 'whatever it is').expect(429);
  });

  it('shares the per-account window between API nodes through Redis', async () => {
    const options = { redisUrl: REDIS_URL, queuePrefix: `onda-test-${randomUUID()}`, signIn: { perAccount: { limit: 2, windowMs: 60_000 }, perAddress: { limit: 1000, windowMs: 60_000 } } };
    const a = await startHarness(options, db);
    const b = await startHarness(options, db);
    try {
      const email = `spread-${randomUUID()}@example.com`;
      await createAdminWithToken(db.prisma, email, undefined, password);
      await signIn(a.sut.url, email, 'a wrong guess!!').expect(401);
      await signIn(b.sut.url, email, 'a wrong guess!!').expect(401);
      await signIn(a.sut.url, email, password).expect(429);
      await signIn(b.sut.url, email, password).expect(429);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
