import { describe, expect, it } from 'vitest';
import { nms } from './nms.js';
import { audioCodecName, avcHeaderSize, playToken, toSourceInfo, verifyPlayToken, videoCodecName } from './source-info.js';

const none = { videoWidth: undefined, videoHeight: undefined, videoFramerate: undefined, videoCodec: undefined, audioCodec: undefined };

describe(toSourceInfo.name, () => {
  it('takes size, rate and codecs from metadata', () => {
    const sut = toSourceInfo({ videoWidth: 1280, videoHeight: 720, videoFramerate: 29.97, videoCodec: 7, audioCodec: 10, videoHeaderCodec: null, audioHeaderCodec: null });
    expect(sut).toEqual({ width: 1280, height: 720, fps: 29.97, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' });
  });

  it('prefers the codecs seen in sequence headers over what metadata claims', () => {
    const sut = toSourceInfo({ ...none, videoCodec: 7, audioCodec: 10, videoHeaderCodec: 12, audioHeaderCodec: 2 });
    expect(sut).toMatchObject({ videoCodec: 'hevc', audioCodec: 'mp3', hasAudio: true });
  });

  it('reports no audio and zero sizes when nothing is known', () => {
    const sut = toSourceInfo({ ...none, videoHeaderCodec: 7, audioHeaderCodec: null, headerSize: null });
    expect(sut).toEqual({ width: 0, height: 0, fps: 0, hasAudio: false, videoCodec: 'h264', audioCodec: null });
  });

  it('calls a publish audio-only only when metadata came and neither it nor any packet has video', () => {
    const audio = { ...none, audioCodec: 10, videoHeaderCodec: null, audioHeaderCodec: 10 };
    expect(toSourceInfo({ ...audio, metadataSeen: true })).toEqual({ width: 0, height: 0, fps: 0, hasAudio: true, hasVideo: false, videoCodec: null, audioCodec: 'aac' });
    expect(toSourceInfo({ ...audio, metadataSeen: false }).hasVideo).toBeUndefined();
    expect(toSourceInfo({ ...audio, metadataSeen: true, videoCodec: 7 }).hasVideo).toBeUndefined();
    expect(toSourceInfo({ ...audio, metadataSeen: true, videoHeaderCodec: 7 }).hasVideo).toBeUndefined();
  });

  it('falls back to the size decoded from the sequence header', () => {
    const sut = toSourceInfo({ ...none, videoWidth: 0, videoHeaderCodec: 7, audioHeaderCodec: null, headerSize: { width: 640, height: 360 } });
    expect(sut).toMatchObject({ width: 640, height: 360 });
  });
});

describe('codec names', () => {
  it('maps classic ids and enhanced-RTMP FourCCs', () => {
    expect([videoCodecName(7), videoCodecName(12), videoCodecName(0x68766331), videoCodecName('av01'), videoCodecName(99)]).toEqual(['h264', 'hevc', 'hevc', 'av1', null]);
    expect([audioCodecName(10), audioCodecName(2), audioCodecName('Opus'), audioCodecName(undefined)]).toEqual(['aac', 'mp3', 'opus', null]);
  });
});

describe(avcHeaderSize.name, () => {
  // FLV AVC sequence header as ffmpeg sends it for libx264 640x360 (tag header + AVCDecoderConfigurationRecord).
  const header = Buffer.from('17000000000142c01effe100196742c01eda0280bfe5c044000003000400000300f03c58ba8001000468ce0fc8', 'hex');

  it('reads the picture size from the SPS', () => {
    expect(avcHeaderSize(header, nms.sps.parseH264Sps)).toEqual({ width: 640, height: 360 });
  });

  it('ignores anything that is not an AVC sequence header', () => {
    const frame = Buffer.from(header);
    frame[1] = 1;
    expect(avcHeaderSize(frame, nms.sps.parseH264Sps)).toBeNull();
    expect(avcHeaderSize(header.subarray(0, 20), nms.sps.parseH264Sps)).toBeNull();
  });
});

describe(verifyPlayToken.name, () => {
  const secret = 'internal-token-0123456789abcdef';
  const sessionId = '6f1c2a8e-3b7d-4c5e-9f10-2a3b4c5d6e7f';

  it('accepts the HMAC of the session id and nothing else', () => {
    const token = playToken(secret, sessionId);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyPlayToken(secret, sessionId, token)).toBe(true);
    expect(verifyPlayToken(secret, sessionId, token.toUpperCase())).toBe(true);
    expect(verifyPlayToken(secret, sessionId, token.slice(0, 63))).toBe(false);
    expect(verifyPlayToken(secret, sessionId, `${token}0`)).toBe(false);
    expect(verifyPlayToken(secret, sessionId, `${token.slice(0, 62)}zz`)).toBe(false);
    expect(verifyPlayToken('another-secret-0123456789abc', sessionId, token)).toBe(false);
    expect(verifyPlayToken(secret, 'other', token)).toBe(false);
  });
});
