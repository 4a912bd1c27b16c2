import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers.js';

function cspOf(publicUrl: string, mediaBaseUrl: string): string {
  const headers = new Map<string, string>();
  const res = { setHeader: (name: string, value: string) => headers.set(name, value) } as unknown as Response;
  securityHeaders(publicUrl, mediaBaseUrl)({} as Request, res, (() => undefined) as NextFunction);
  return headers.get('Content-Security-Policy') ?? '';
}

const directive = (csp: string, name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `));

describe('securityHeaders', () => {
  it('names the public origin for playlists even when media is on it: a page opened on another name for the server still plays', () => {
    // npm start's defaults: PUBLIC_URL http://localhost:8080, the page opened as http://127.0.0.1:8080 ('self' is then 127.0.0.1).
    const csp = cspOf('http://localhost:8080', 'http://localhost:8080/media');
    expect(directive(csp, 'connect-src')).toBe("connect-src 'self' ws://localhost:8080 http://localhost:8080");
    expect(directive(csp, 'media-src')).toBe("media-src 'self' blob: http://localhost:8080");
  });

  it('adds a separate media origin (CDN or bucket) beside the public one', () => {
    const csp = cspOf('https://tv.example', 'https://cdn.example/media');
    expect(directive(csp, 'connect-src')).toBe("connect-src 'self' wss://tv.example https://tv.example https://cdn.example");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});
