import { describe, expect, it } from 'vitest';
import { webhookUrlProblem } from './webhook-url.js';

describe(webhookUrlProblem.name, () => {
  it.each([
    ['ftp://example.com/hook', /http or https/],
    ['http://localhost:3000/hook', /localhost/],
    ['http://api.localhost/hook', /localhost/],
    ['http://127.0.0.1/hook', /special-purpose/],
    ['http://[::1]:8080/hook', /special-purpose/],
    ['https://10.0.0.5/hook', /special-purpose/],
    ['http://169.254.169.254/latest/meta-data', /special-purpose/],
    // Finding 10: the ranges and IPv6 spellings the old list let through.
    ['http://100.64.0.1/hook', /special-purpose/],
    ['http://192.0.0.170/hook', /special-purpose/],
    ['http://198.18.0.1/hook', /special-purpose/],
    ['http://224.0.0.251/hook', /special-purpose/],
    ['http://255.255.255.255/hook', /special-purpose/],
    ['http://[64:ff9b::a9fe:a9fe]/hook', /special-purpose/],
    ['http://[::127.0.0.1]/hook', /special-purpose/],
    ['http://[::ffff:0:127.0.0.1]/hook', /special-purpose/],
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
