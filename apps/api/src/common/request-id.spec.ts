import { EventEmitter } from 'node:events';
import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { accessLog, requestId } from './request-id.js';

function fakeExchange(path: string, header?: string) {
  const res = Object.assign(new EventEmitter(), { statusCode: 201, headers: {} as Record<string, string>, setHeader(k: string, v: string) { this.headers[k] = v; } });
  const req = { method: 'POST', path, header: (name: string) => (name === 'x-request-id' ? header : undefined) } as unknown as Request & { id?: string };
  return { req, res: res as unknown as Response & EventEmitter & { headers: Record<string, string> } };
}

describe(accessLog.name, () => {
  it('logs the request id, method, path, status and duration when the response finishes', () => {
    const lines: Array<[string, string, string | undefined]> = [];
    const sut = accessLog({ log: (m, c) => lines.push(['info', m, c]), debug: (m, c) => lines.push(['debug', m, c]) });
    const { req, res } = fakeExchange('/v1/channels', 'abc-123');
    const next: NextFunction = () => undefined;
    requestId(req, res, next);
    sut(req, res, next);
    expect(lines).toEqual([]);
    res.emit('finish');
    expect(res.headers['X-Request-Id']).toBe('abc-123');
    expect(lines).toHaveLength(1);
    expect(lines[0]![0]).toBe('info');
    expect(JSON.parse(lines[0]![1])).toMatchObject({ requestId: 'abc-123', method: 'POST', path: '/v1/channels', status: 201, ms: expect.any(Number) });
  });

  it('keeps HLS fetches at debug level and replaces an unusable caller id', () => {
    const lines: Array<[string, string]> = [];
    const sut = accessLog({ log: (m) => lines.push(['info', m]), debug: (m) => lines.push(['debug', m]) });
    const { req, res } = fakeExchange('/media/live/s/720p/index.m3u8', 'bad id with spaces');
    requestId(req, res, () => undefined);
    sut(req, res, () => undefined);
    res.emit('finish');
    expect(lines[0]![0]).toBe('debug');
    expect(JSON.parse(lines[0]![1]).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps passing health probes at debug level but logs a failing one', () => {
    const lines: string[] = [];
    const sut = accessLog({ log: () => lines.push('info'), debug: () => lines.push('debug') });
    for (const status of [200, 503]) {
      const { req, res } = fakeExchange('/readyz');
      res.statusCode = status;
      sut(req, res, () => undefined);
      res.emit('finish');
    }
    expect(lines).toEqual(['debug', 'info']);
  });
});
