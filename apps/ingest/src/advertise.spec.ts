import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { advertisedHost } from './advertise.js';

const nic = (address: string, family: 'IPv4' | 'IPv6', internal: boolean): NetworkInterfaceInfo =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null }) as NetworkInterfaceInfo;

describe('advertisedHost', () => {
  const container = { lo: [nic('127.0.0.1', 'IPv4', true)], eth0: [nic('fe80::1', 'IPv6', false), nic('172.18.0.7', 'IPv4', false)] };

  it("names the node's own non-loopback IPv4 address when bound to every interface", () => {
    expect(advertisedHost('0.0.0.0', container)).toBe('172.18.0.7');
    expect(advertisedHost(undefined, container)).toBe('172.18.0.7');
    expect(advertisedHost('::', container)).toBe('172.18.0.7');
  });

  it('uses a specific bind address as is (brackets for IPv6)', () => {
    expect(advertisedHost('10.0.0.5', container)).toBe('10.0.0.5');
    expect(advertisedHost('fd00::5', container)).toBe('[fd00::5]');
  });

  it('falls back to loopback on a machine without a network', () => {
    expect(advertisedHost('0.0.0.0', { lo: [nic('127.0.0.1', 'IPv4', true)] })).toBe('127.0.0.1');
  });
});
