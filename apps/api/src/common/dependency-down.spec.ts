import { describe, expect, it } from 'vitest';
import { isDependencyDown } from './dependency-down.js';

describe('isDependencyDown', () => {
  it('knows socket, PostgreSQL, Prisma, ioredis and AWS SDK connection failures, also wrapped', () => {
    expect(isDependencyDown(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDependencyDown(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isDependencyDown(Object.assign(new Error("Can't reach database server"), { code: 'P1001' }))).toBe(true);
    expect(isDependencyDown(new Error('x', { cause: { kind: 'DatabaseNotReachable' } }))).toBe(true);
    expect(isDependencyDown(new Error('Connection is closed.'))).toBe(true);
    expect(isDependencyDown(Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }))).toBe(true);
    expect(isDependencyDown(new Error('request failed', { cause: new AggregateError([Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })]) }))).toBe(true);
  });

  it('leaves bugs and refusals alone', () => {
    expect(isDependencyDown(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isDependencyDown(Object.assign(new Error('Unique constraint failed'), { code: 'P2002' }))).toBe(false);
    expect(isDependencyDown(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }))).toBe(false);
    expect(isDependencyDown(null)).toBe(false);
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(isDependencyDown(loop)).toBe(false);
  });
});
