import { describe, expect, it } from 'vitest';
import { anonymousKey, cleanText, codePoints, isReservedNickname, normaliseIp } from './chat-text.js';

describe('chat text rules', () => {
  it('normalises to NFC, one line, no controls or bidi overrides, and keeps markup verbatim', () => {
    expect(cleanText('  \u1100\u1161  ')).toBe('가');
    expect(cleanText('a\nb\r\n\tc')).toBe('a b c');
    expect(cleanText('x\u0000y\u202Ez\u2066')).toBe('xyz');
    expect(cleanText('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
    expect(cleanText('a\uD800b 😀')).toBe('a\uFFFDb 😀');
  });

  it('counts code points', () => {
    expect(codePoints('가나다')).toBe(3);
    expect(codePoints('😀😀')).toBe(2);
  });

  it('reserves staff-like nicknames in Korean and English', () => {
    for (const name of ['admin', 'Admin_2', 'ONDA', 'o n d a', '운영자', '관리자님', 'moderator.kim', 'System']) expect(isReservedNickname(name), name).toBe(true);
    for (const name of ['민지', 'badminton', 'kimchi_lover']) expect(isReservedNickname(name), name).toBe(false);
  });

  it('derives opaque anonymous keys per channel, device and IP', () => {
    const key = anonymousKey('s'.repeat(32), 'c1', 'device-1234', '10.0.0.1');
    expect(key).toMatch(/^a:[A-Za-z0-9_-]{22}$/);
    expect(anonymousKey('s'.repeat(32), 'c1', 'device-1234', '10.0.0.1')).toBe(key);
    expect(anonymousKey('s'.repeat(32), 'c2', 'device-1234', '10.0.0.1')).not.toBe(key);
    expect(anonymousKey('s'.repeat(32), 'c1', 'device-9999', '10.0.0.1')).not.toBe(key);
    expect(anonymousKey('s'.repeat(32), 'c1', 'device-1234', '10.0.0.2')).not.toBe(key);
    expect(normaliseIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
  });
});
