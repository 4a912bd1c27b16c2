import { describe, expect, it } from 'vitest';
import { addressBytes, specialPurpose } from './addresses.js';

describe(specialPurpose.name, () => {
  it('refuses every IPv4 special-purpose range, at both ends (findings 2 and 10)', () => {
    const refused = [
      '0.0.0.0', '0.255.255.255', '10.0.0.1', '10.255.255.255', '100.64.0.0', '100.127.255.255', '127.0.0.1', '127.255.255.254',
      '169.254.169.254', '172.16.0.1', '172.31.255.255', '192.0.0.1', '192.0.0.255', '192.0.2.7', '192.88.99.1', '192.168.1.1',
      '198.18.0.1', '198.19.255.255', '198.51.100.3', '203.0.113.9', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
    ];
    for (const ip of refused) expect(specialPurpose(ip), ip).not.toBeNull();
  });

  it('lets globally reachable IPv4 unicast through, including the neighbours of the ranges', () => {
    for (const ip of ['1.1.1.1', '8.8.8.8', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '126.255.255.255', '128.0.0.0', '172.15.255.255', '172.32.0.0', '192.0.1.1', '192.167.255.255', '192.169.0.0', '198.17.255.255', '198.20.0.0', '223.255.255.255']) {
      expect(specialPurpose(ip), ip).toBeNull();
    }
  });

  it('refuses IPv6 special forms, including every way of writing an IPv4 address in IPv6', () => {
    const refused = [
      '::', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::127.0.0.1', '::7f00:1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:8.8.8.8', '::ffff:0:127.0.0.1', '::ffff:0:a00:1',
      '64:ff9b::127.0.0.1', '64:ff9b::8.8.8.8', '64:ff9b:1::1', '100::1', '2001::1', '2001:db8::1', '2002:7f00:1::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'fec0::1', 'ff02::1', 'ff0e::1',
    ];
    for (const ip of refused) expect(specialPurpose(ip), ip).not.toBeNull();
  });

  it('lets global IPv6 unicast through', () => {
    for (const ip of ['2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '2001:4860:4860::8888']) expect(specialPurpose(ip), ip).toBeNull();
  });

  it('treats anything that is not an IP literal as special', () => {
    expect(specialPurpose('localhost')).toBe('not an IP address');
    expect(specialPurpose('1.2.3')).toBe('not an IP address');
  });
});

describe(addressBytes.name, () => {
  it('expands IPv6 with :: and a dotted tail', () => {
    expect([...addressBytes('::ffff:1.2.3.4')!]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]);
    expect([...addressBytes('fe80::1')!]).toEqual([0xfe, 0x80, ...new Array(13).fill(0), 1]);
    expect([...addressBytes('1:2:3:4:5:6:7:8')!]).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]);
    expect(addressBytes('nope')).toBeNull();
  });
});
