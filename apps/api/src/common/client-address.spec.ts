import { describe, expect, it } from 'vitest';
import { clientAddress, compileTrustProxy } from './client-address.js';

const xff = (value: string) => ({ 'x-forwarded-for': value });

describe('clientAddress', () => {
  it('believes no header without TRUST_PROXY: a client cannot pick its own address', () => {
    expect(clientAddress('203.0.113.7', xff('198.51.100.1'), compileTrustProxy(undefined))).toBe('203.0.113.7');
  });

  it('takes the address the trusted proxy saw, and no further', () => {
    const trust = compileTrustProxy('loopback');
    expect(clientAddress('127.0.0.1', xff('198.51.100.1'), trust)).toBe('198.51.100.1');
    // The client itself wrote the first entry: only the hop the proxy appended counts.
    expect(clientAddress('127.0.0.1', xff('10.9.9.9, 198.51.100.1'), trust)).toBe('198.51.100.1');
    // A peer that is not the proxy is the client, whatever it says.
    expect(clientAddress('203.0.113.7', xff('198.51.100.1'), trust)).toBe('203.0.113.7');
  });

  it('reads hop counts, subnets and true as Express does, and drops the IPv4-mapped prefix', () => {
    expect(clientAddress('::ffff:10.0.0.5', xff('192.0.2.1, 198.51.100.1'), compileTrustProxy('2'))).toBe('192.0.2.1');
    expect(clientAddress('10.1.2.3', xff('198.51.100.9'), compileTrustProxy('10.0.0.0/8, 172.16.0.0/12'))).toBe('198.51.100.9');
    expect(clientAddress('10.1.2.3', xff('192.0.2.1, 198.51.100.9'), compileTrustProxy('true'))).toBe('192.0.2.1');
    expect(clientAddress('::ffff:203.0.113.7', {}, compileTrustProxy(undefined))).toBe('203.0.113.7');
  });
});
