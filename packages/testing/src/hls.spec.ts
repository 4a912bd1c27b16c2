import { describe, expect, it } from 'vitest';
import { publishedSecondsOf, variants } from './hls.js';

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

describe(publishedSecondsOf.name, () => {
  it('counts the segments, and the parts of the segment being made in a low-latency playlist', () => {
    const head = '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n';
    expect(publishedSecondsOf(`${head}#EXTINF:0.5,\na.ts\n#EXTINF:2.0,\nb.ts\n`)).toBe(2.5);
    const ll = `${head}#EXT-X-PART:DURATION=0.334,URI="p0.m4s",INDEPENDENT=YES\n#EXTINF:0.334,\ns0.m4s\n`
      + '#EXT-X-PART:DURATION=0.333,URI="p1.m4s",INDEPENDENT=YES\n#EXT-X-PART:DURATION=0.333,URI="p2.m4s"\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p3.m4s"\n';
    expect(publishedSecondsOf(ll)).toBeCloseTo(1.0, 6);
    expect(publishedSecondsOf(`${head}#EXTINF:2.0,\na.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2.0,\nb.ts\n`)).toBeNull();
  });
});
