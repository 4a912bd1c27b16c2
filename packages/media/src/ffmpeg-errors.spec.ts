import { describe, expect, it } from 'vitest';
import { classifyFfmpegFailure } from './ffmpeg-errors.js';
import { parseProgressBlock } from './ffmpeg-process.js';

describe(classifyFfmpegFailure.name, () => {
  it('explains the last known error line, ignoring the generic trailer', () => {
    const sut = classifyFfmpegFailure([
      '[tcp @ 0x55] Connection to tcp://127.0.0.1:1935 failed: Connection refused',
      'rtmp://127.0.0.1:1935/live/x: Connection refused',
    ]);
    expect(sut).toBe('The input refused the connection (is the ingest running?)');
    expect(classifyFfmpegFailure(['/nope.flv: No such file or directory'])).toBe('A file, folder or stream name was not found');
    expect(classifyFfmpegFailure(['x: Invalid data found when processing input'])).toBe('The input is not a valid media stream');
    expect(classifyFfmpegFailure(['[libx264 @ 0x1] height not divisible by 2 (640x361)', 'Error initializing output stream 0:0 -- Error while opening encoder for output stream #0:0', 'Conversion failed!']))
      .toBe('The video or audio encoder failed (check the ladder settings)');
    expect(classifyFfmpegFailure(['rtmp://x: End of file'])).toBe('The input ended or was cut off');
  });

  it('falls back to the last non-empty line, or null with no stderr', () => {
    expect(classifyFfmpegFailure(['something odd happened', ''])).toBe('ffmpeg failed: something odd happened');
    expect(classifyFfmpegFailure([])).toBeNull();
  });
});

describe(parseProgressBlock.name, () => {
  it('parses numbers and maps N/A to null', () => {
    const sut = parseProgressBlock({
      frame: '150', fps: '29.97', bitrate: 'N/A', total_size: 'N/A', out_time_us: '5005000', out_time_ms: '5005000',
      drop_frames: '2', speed: '1.01x', progress: 'continue',
    });
    expect(sut).toEqual({ frame: 150, fps: 29.97, bitrateKbps: null, speed: 1.01, dropFrames: 2, outTimeSeconds: 5.005 });
    expect(parseProgressBlock({ bitrate: '2911.4kbits/s', speed: 'N/A' })).toMatchObject({ bitrateKbps: 2911.4, speed: null, frame: null });
  });
});
