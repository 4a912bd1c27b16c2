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

describe(`${PlaybackSigner.name} object classes (finding 4)`, () => {
  const sut = new PlaybackSigner('s'.repeat(40));
  const now = 1_800_000_000;
  const vod = 'vod/0190a0b0-0000-7000-8000-000000000001';

  it('a playback signature of a VOD does not unlock its source, upload or archive objects', () => {
    const token = sut.token(vod, now + 60);
    expect(sut.verify(token, `${vod}/hls/master.m3u8`, now)).toBe(true);
    expect(sut.verify(token, `${vod}/poster.jpg`, now)).toBe(true);
    for (const file of ['source.mp4', 'upload', 'archive/000001.ts']) expect(sut.verify(token, `${vod}/${file}`, now), file).toBe(false);
  });

  it('a download signature covers exactly its key and file name, and nothing a player loads', () => {
    const token = sut.downloadToken(`${vod}/source.mp4`, 'My show.mp4', now + 60);
    expect(sut.verify(token, `${vod}/source.mp4`, now, 'My show.mp4')).toBe(true);
    expect(sut.verify(token, `${vod}/source.mp4`, now, 'evil.html')).toBe(false);
    expect(sut.verify(token, `${vod}/upload`, now, 'My show.mp4')).toBe(false);
    expect(sut.verify(token, `${vod}/hls/master.m3u8`, now)).toBe(false);
  });
});
