import { describe, expect, it } from 'vitest';
import { isPrivateAddress, resolvesToPrivate, webhookUrlProblem } from './webhook-url.js';

describe(isPrivateAddress.name, () => {
  it.each([
    '127.0.0.1', '127.255.0.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '0.0.0.0',
    '::1', '[::1]', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1',
  ])('%s is private', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '172.15.255.255', '172.32.0.1', '192.169.0.1', '169.255.0.1', '11.0.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8', 'example.com'])(
    '%s is not private',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );
});

describe(webhookUrlProblem.name, () => {
  it.each([
    ['ftp://example.com/hook', /http or https/],
    ['http://localhost:3000/hook', /localhost/],
    ['http://api.localhost/hook', /localhost/],
    ['http://127.0.0.1/hook', /private/],
    ['http://[::1]:8080/hook', /private/],
    ['https://10.0.0.5/hook', /private/],
    ['http://169.254.169.254/latest/meta-data', /private/],
    ['not a url', /valid URL/],
  ])('refuses %s', (url, reason) => {
    expect(webhookUrlProblem(url, false)).toMatch(reason);
  });

  it('accepts public hosts, and private ones only when allowed', () => {
    expect(webhookUrlProblem('https://hooks.example.com/onda', false)).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:9999/hook', true)).toBeNull();
    expect(webhookUrlProblem('ftp://127.0.0.1/hook', true)).toMatch(/http or https/);
  });
});

describe(resolvesToPrivate.name, () => {
  it('reports a name that resolves to a private address', async () => {
    const resolve = (host: string) => Promise.resolve(host === 'rebind.example' ? ['93.184.216.34', '10.0.0.7'] : ['93.184.216.34']);
    expect(await resolvesToPrivate('https://rebind.example/hook', resolve)).toBe('10.0.0.7');
    expect(await resolvesToPrivate('https://public.example/hook', resolve)).toBeNull();
    expect(await resolvesToPrivate('http://[::1]:80/hook', resolve)).toBe('::1');
    expect(await resolvesToPrivate('http://localhost/hook', resolve)).toBe('localhost');
  });
});
