import { describe, expect, it } from 'vitest';
import { variants } from './hls.js';

describe(variants.name, () => {
  it('lists the variants with their attributes and URLs resolved against the master', () => {
    const master = [
      '#EXTM3U',
      '#EXT-X-STREAM-INF:BANDWIDTH=2000000,RESOLUTION=1280x720',
      '720p/index.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360',
      'https://cdn.example/360p/index.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=1',
    ].join('\n');
    expect(variants('http://onda.test/live/s1/master.m3u8', master)).toEqual([
      { attrs: 'BANDWIDTH=2000000,RESOLUTION=1280x720', uri: 'http://onda.test/live/s1/720p/index.m3u8' },
      { attrs: 'BANDWIDTH=800000,RESOLUTION=640x360', uri: 'https://cdn.example/360p/index.m3u8' },
    ]);
  });
});
