import { describe, expect, it } from 'vitest';
import type { Rendition } from '@onda/contracts';
import { emptyMediaPlaylist, parseMediaPlaylist, renderMaster, renderMediaPlaylist } from './m3u8.js';

const FFMPEG_PLAYLIST = `#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:7
#EXT-X-PLAYLIST-TYPE:EVENT
#EXT-X-INDEPENDENT-SEGMENTS
#EXTINF:2.000000,
r0_00000.ts
#EXT-X-DISCONTINUITY
#EXT-X-PROGRAM-DATE-TIME:2024-01-01T00:00:02.000Z
#EXTINF:1.966,
r1_00000.ts
#EXT-X-ENDLIST
`;

describe(parseMediaPlaylist.name, () => {
  it('reads segments, discontinuities, program date time and header tags', () => {
    const sut = parseMediaPlaylist(FFMPEG_PLAYLIST);
    expect(sut).toEqual({
      version: 6, targetDuration: 2, mediaSequence: 7, discontinuitySequence: 0, playlistType: 'EVENT', independentSegments: true, endList: true,
      segments: [
        { uri: 'r0_00000.ts', duration: 2, discontinuity: false },
        { uri: 'r1_00000.ts', duration: 1.966, discontinuity: true, programDateTime: '2024-01-01T00:00:02.000Z' },
      ],
    });
  });

  it('reads the fMP4 initialization segment each segment needs (EXT-X-MAP) and renders it back', () => {
    const text = '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MAP:URI="init_r0.mp4"\n#EXTINF:2.0,\ns0.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init_r1.mp4"\n#EXTINF:2.0,\ns1.m4s\n';
    const sut = parseMediaPlaylist(text);
    expect(sut.segments.map((s) => s.map)).toEqual(['init_r0.mp4', 'init_r1.mp4']);
    expect(parseMediaPlaylist(renderMediaPlaylist(sut)).segments).toEqual(sut.segments);
  });

  it('reads an unfinished live playlist without ENDLIST and rejects non-playlists', () => {
    expect(parseMediaPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\na.ts\n')).toMatchObject({ endList: false, targetDuration: 4, segments: [{ uri: 'a.ts', duration: 4 }] });
    expect(() => parseMediaPlaylist('<html>')).toThrow(/EXTM3U/);
  });
});

describe(renderMediaPlaylist.name, () => {
  it('renders what it parses', () => {
    const model = parseMediaPlaylist(FFMPEG_PLAYLIST);
    expect(parseMediaPlaylist(renderMediaPlaylist(model))).toEqual(model);
  });

  it('renders a live EVENT playlist exactly', () => {
    const sut = emptyMediaPlaylist(2);
    sut.segments.push({ uri: 'r0_00000.ts', duration: 2, discontinuity: false }, { uri: 'r1_00000.ts', duration: 2.0333, discontinuity: true });
    expect(renderMediaPlaylist(sut)).toBe(
      '#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-INDEPENDENT-SEGMENTS\n' +
        '#EXTINF:2.000,\nr0_00000.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2.033,\nr1_00000.ts\n',
    );
    sut.endList = true;
    expect(renderMediaPlaylist(sut).endsWith('r1_00000.ts\n#EXT-X-ENDLIST\n')).toBe(true);
  });
});

describe(renderMaster.name, () => {
  const r720: Rendition = { name: '720p', width: 1280, height: 720, videoBitrateKbps: 2800, audioBitrateKbps: 128, passthrough: false };
  const r360: Rendition = { name: '360p', width: 640, height: 360, videoBitrateKbps: 800, audioBitrateKbps: 0, passthrough: false };

  it('computes bandwidth with overhead, resolution, frame rate and codecs', () => {
    const sut = renderMaster([
      { rendition: r720, uri: '720p/index.m3u8', codecs: 'avc1.64001f,mp4a.40.2', frameRate: 30 },
      { rendition: r360, uri: '360p/index.m3u8', codecs: 'avc1.64001e', peakBandwidth: 950_000, averageBandwidth: 780_000 },
    ]);
    expect(sut).toBe(
      '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n' +
        '#EXT-X-STREAM-INF:BANDWIDTH=3220800,AVERAGE-BANDWIDTH=2928000,RESOLUTION=1280x720,FRAME-RATE=30.000,CODECS="avc1.64001f,mp4a.40.2"\n720p/index.m3u8\n' +
        '#EXT-X-STREAM-INF:BANDWIDTH=950000,AVERAGE-BANDWIDTH=780000,RESOLUTION=640x360,CODECS="avc1.64001e"\n360p/index.m3u8\n',
    );
  });
});
