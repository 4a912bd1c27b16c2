import { describe, expect, it } from 'vitest';
import { LIVE_INPUT_ARGS } from './live-args.js';
import { classifyPushFailure, simulcastPushArgs } from './simulcast-args.js';

describe(simulcastPushArgs.name, () => {
  it('remuxes the ingest pull into FLV for the relay, with the destination tcUrl', () => {
    expect(simulcastPushArgs({ pullUrl: 'rtmp://ingest:1935/live/abc', outputUrl: 'rtmp://127.0.0.1:40001/app/key', tcUrl: 'rtmps://live.twitch.tv:443/app' })).toEqual([
      ...LIVE_INPUT_ARGS, '-i', 'rtmp://ingest:1935/live/abc',
      '-map', '0:v:0?', '-map', '0:a:0?', '-c', 'copy', '-f', 'flv', '-flvflags', 'no_duration_filesize', '-rw_timeout', '10000000',
      '-rtmp_tcurl', 'rtmps://live.twitch.tv:443/app', 'rtmp://127.0.0.1:40001/app/key',
    ]);
  });
});

describe(classifyPushFailure.name, () => {
  it('names the cause in a fixed sentence, never echoing the line (it carries the key)', () => {
    expect(classifyPushFailure(['[flv @ 0x1] something', 'rtmp://127.0.0.1:1/app/secretkey: Broken pipe'], 1)).toBe('the destination closed the connection');
    expect(classifyPushFailure(['Server error: Unauthorized'], 1)).toMatch(/refused the stream/);
    expect(classifyPushFailure(['rtmp://h/app/secretkey: weird'], 1)).toBe('the push stopped (ffmpeg exit code 1)');
    expect(classifyPushFailure([], 0)).toBe('the push ended (the source stopped)');
  });
});
