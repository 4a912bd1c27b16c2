import { describe, expect, it } from 'vitest';
import { resolveKey, signPlaylist } from './signed-playlist.js';

const sign = async (key: string): Promise<string> => `https://bucket.example/${key}?X-Amz-Signature=s`;

describe('signPlaylist', () => {
  it('signs each segment, init section and part of a media playlist, one URL per object', async () => {
    const media = [
      '#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:2', '#EXT-X-MAP:URI="init.mp4"',
      '#EXTINF:2.000,', 'r0_00001.ts', '#EXT-X-DISCONTINUITY', '#EXTINF:2.000,', 'r1_00000.ts',
      '#EXT-X-PART:DURATION=0.5,URI="p/00002.0.m4s",INDEPENDENT=YES', '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p/00002.1.m4s"', '',
    ].join('\n');
    const out = await signPlaylist(media, 'live/abc/720p', sign);
    expect(out.split('\n')).toEqual([
      '#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:2', '#EXT-X-MAP:URI="https://bucket.example/live/abc/720p/init.mp4?X-Amz-Signature=s"',
      '#EXTINF:2.000,', 'https://bucket.example/live/abc/720p/r0_00001.ts?X-Amz-Signature=s', '#EXT-X-DISCONTINUITY', '#EXTINF:2.000,',
      'https://bucket.example/live/abc/720p/r1_00000.ts?X-Amz-Signature=s',
      '#EXT-X-PART:DURATION=0.5,URI="https://bucket.example/live/abc/720p/p/00002.0.m4s?X-Amz-Signature=s",INDEPENDENT=YES',
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="https://bucket.example/live/abc/720p/p/00002.1.m4s?X-Amz-Signature=s"', '',
    ]);
  });

  it('leaves playlists relative (they come back through the signed API path) and absolute URIs alone', async () => {
    const master = '#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",URI="audio/index.m3u8"\n#EXT-X-STREAM-INF:BANDWIDTH=1\n720p/index.m3u8\nhttps://elsewhere/x.ts\n';
    expect(await signPlaylist(master, 'live/abc', sign)).toBe(master);
  });

  it('leaves a URI relative when the signer cannot sign (local disk) and never signs outside the prefix', async () => {
    expect(await signPlaylist('#EXTINF:2,\na.ts\n', 'vod/v1/hls/720p', async () => null)).toBe('#EXTINF:2,\na.ts\n');
    expect(resolveKey('vod/v1/hls/720p', '../poster.jpg')).toBe('vod/v1/hls/poster.jpg');
    expect(resolveKey('live/abc/720p', '../../other/x.ts')).toBeNull();
    expect(resolveKey('live/abc', '/live/other/x.ts')).toBeNull();
    expect(await signPlaylist('#EXTINF:2,\n../../../vod/other/source.mp4\n', 'live/abc/720p', sign)).toBe('#EXTINF:2,\n../../../vod/other/source.mp4\n');
  });
});
