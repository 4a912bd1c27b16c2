import { describe, expect, it } from 'vitest';
import { anonymousKey, cleanText, codePoints, isReservedNickname, networkKeys, nicknameSkeleton } from './chat-text.js';

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
    // Finding 15: look-alike letters of other scripts, accents, full-width forms and digits read as the same name.
    for (const name of ['аdmin', 'αdmin', 'ádmin', 'ＡＤＭＩＮ', '0nda', 'Adm1n', 'ѕystem', 'm0derator']) expect(isReservedNickname(name), name).toBe(true);
    expect(nicknameSkeleton('Kim Min-ji')).toBe(nicknameSkeleton('kіm mіnjі'));
  });

  it('derives opaque anonymous keys per channel, device and IP', () => {
    const key = anonymousKey('s'.repeat(32), 'c1', 'd:device-1234');
    expect(key).toMatch(/^a:[A-Za-z0-9_-]{22}$/);
    expect(anonymousKey('s'.repeat(32), 'c1', 'd:device-1234')).toBe(key);
    expect(anonymousKey('s'.repeat(32), 'c2', 'd:device-1234')).not.toBe(key);
    expect(anonymousKey('s'.repeat(32), 'c1', 'd:device-9999')).not.toBe(key);
    expect(anonymousKey('t'.repeat(32), 'c1', 'd:device-1234')).not.toBe(key);
  });

  it('keys address bans by the address and its /24 or /64, salted per channel, never the address itself', () => {
    const k = (ip: string, channel = 'c1') => networkKeys('s'.repeat(32), channel, ip);
    expect(k('203.0.113.7').address).toMatch(/^addr:[A-Za-z0-9_-]{22}$/);
    expect(k('203.0.113.7').subnet).toBe(k('203.0.113.200').subnet);
    expect(k('203.0.113.7').address).not.toBe(k('203.0.113.200').address);
    expect(k('203.0.114.7').subnet).not.toBe(k('203.0.113.7').subnet);
    // One IPv6 address however it is written; one /64 for its whole network.
    expect(k('2001:DB8::1').address).toBe(k('2001:db8:0:0:0:0:0:1').address);
    expect(k('2001:db8::1').subnet).toBe(k('2001:db8:0:0:ffff:1:2:3').subnet);
    expect(k('2001:db8:0:1::1').subnet).not.toBe(k('2001:db8::1').subnet);
    expect(k('203.0.113.7', 'c2').address).not.toBe(k('203.0.113.7').address);
    expect(JSON.stringify(k('203.0.113.7'))).not.toContain('203.0.113');
  });
});
