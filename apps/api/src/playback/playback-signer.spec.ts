import { describe, expect, it } from 'vitest';
import { PlaybackSigner } from './playback-signer.js';

describe(PlaybackSigner.name, () => {
  const sut = new PlaybackSigner('s'.repeat(40));
  const now = 1_800_000_000;

  it('grants every object under the signed session prefix until expiry', () => {
    const token = sut.token('live/abc', now + 60);
    expect(sut.verify(token, 'live/abc/master.m3u8', now)).toBe(true);
    expect(sut.verify(token, 'live/abc/720p/r0_00001.ts', now)).toBe(true);
    expect(sut.verify(token, 'live/abc/master.m3u8', now + 61)).toBe(false);
  });

  it('refuses other sessions, tampered expiries and other secrets', () => {
    const token = sut.token('live/abc', now + 60);
    expect(sut.verify(token, 'live/abd/master.m3u8', now)).toBe(false);
    expect(sut.verify(token.replace(String(now + 60), String(now + 6000)), 'live/abc/master.m3u8', now)).toBe(false);
    expect(new PlaybackSigner('t'.repeat(40)).verify(token, 'live/abc/master.m3u8', now)).toBe(false);
    expect(sut.verify('garbage', 'live/abc/master.m3u8', now)).toBe(false);
  });
});
