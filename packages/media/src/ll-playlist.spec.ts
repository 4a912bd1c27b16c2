import { describe, expect, it } from 'vitest';
import type { LlPlaylistModel } from '@onda/contracts';
import { llSatisfies, llTooFarAhead, renderLlPlaylist, skippableSegments } from './ll-playlist.js';
import { parseLlPlaylist, validateLlPlaylist, validateLlUpdate } from './ll-validate.js';

const part = (msn: number, i: number, duration = 1 / 3) => ({ uri: `s${msn}.${i}.m4s`, duration, independent: i === 0 });

/** A model of `n` complete 2 s segments (6 parts each, parts kept on the last 3) and `open` parts of the next. */
function model(n: number, open: number, over: Partial<LlPlaylistModel> = {}): LlPlaylistModel {
  const segments = Array.from({ length: n }, (_, msn) => ({
    msn, uri: `s${msn}.m4s`, duration: 2, discontinuity: false, map: 'init_r0.mp4',
    programDateTime: new Date(Date.UTC(2026, 0, 1, 0, 0, msn * 2)).toISOString(),
    parts: msn >= n - 3 ? Array.from({ length: 6 }, (_, i) => part(msn, i)) : [],
  }));
  return {
    rendition: '720p', renditions: ['720p', '480p'], targetDuration: 2, partTarget: 0.334, mediaSequence: 0, discontinuitySequence: 0, segments,
    open: open > 0 ? { discontinuity: false, map: 'init_r0.mp4', programDateTime: new Date(Date.UTC(2026, 0, 1, 0, 0, n * 2)).toISOString(), parts: Array.from({ length: open }, (_, i) => part(n, i)) } : null,
    preloadHint: `s${n}.${open}.m4s`, ended: false, ...over,
  };
}

describe('renderLlPlaylist', () => {
  it('renders a playlist the validator accepts, with parts, hint, reports and server control', () => {
    const text = renderLlPlaylist(model(10, 2), { reports: [{ uri: '../480p/index.m3u8', position: { msn: 10, part: 1 } }] });
    expect(validateLlPlaylist(text, { requireParts: true })).toEqual([]);
    expect(text).toContain('#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=12.0,PART-HOLD-BACK=1.002');
    expect(text).toContain('#EXT-X-PART-INF:PART-TARGET=0.334');
    expect(text).toContain('#EXT-X-PART:DURATION=0.33333,URI="s10.0.m4s",INDEPENDENT=YES\n#EXT-X-PART:DURATION=0.33333,URI="s10.1.m4s"\n');
    expect(text).toContain('#EXT-X-PRELOAD-HINT:TYPE=PART,URI="s10.2.m4s"');
    expect(text).toContain('#EXT-X-RENDITION-REPORT:URI="../480p/index.m3u8",LAST-MSN=10,LAST-PART=1');
    const p = parseLlPlaylist(text);
    expect(p.segments.map((s) => s.parts.length)).toEqual([0, 0, 0, 0, 0, 0, 0, 6, 6, 6]);
  });

  it('skips all but the last CAN-SKIP-UNTIL seconds in a delta update', () => {
    const m = model(20, 2);
    expect(skippableSegments(m)).toBe(14); // 12 s = six 2 s segments plus the open parts
    const full = renderLlPlaylist(m);
    const delta = renderLlPlaylist(m, { skip: true });
    expect(validateLlPlaylist(delta)).toEqual([]);
    expect(delta).toContain('#EXT-X-SKIP:SKIPPED-SEGMENTS=14');
    const p = parseLlPlaylist(delta);
    expect(p.segments[0]).toMatchObject({ msn: 14, uri: 's14.m4s', map: 'init_r0.mp4' });
    expect(validateLlUpdate(full, delta)).toEqual([]);
    // Nothing to skip in a short playlist: a full one.
    expect(renderLlPlaylist(model(4, 1), { skip: true })).not.toContain('EXT-X-SKIP');
  });

  it('ends with ENDLIST, without parts or hints', () => {
    const text = renderLlPlaylist(model(5, 0, { ended: true, preloadHint: null }));
    expect(validateLlPlaylist(text)).toEqual([]);
    expect(text).toMatch(/#EXT-X-ENDLIST\n$/);
    expect(text).not.toContain('#EXT-X-PART:');
  });
});

describe('blocking reload rules', () => {
  const m = model(10, 2); // newest: part 1 of segment 10
  it('holds until the part (or a later one) exists', () => {
    expect(llSatisfies(m, { msn: 10, part: 1 })).toBe(true);
    expect(llSatisfies(m, { msn: 10, part: 2 })).toBe(false);
    expect(llSatisfies(m, { msn: 9, part: 6 })).toBe(true); // part 6 of a 6-part segment = segment 10's part 0
    expect(llSatisfies(m, { msn: 9 })).toBe(true);
    expect(llSatisfies(m, { msn: 10 })).toBe(false);
    expect(llSatisfies({ ...m, ended: true }, { msn: 99 })).toBe(true);
  });
  it('refuses requests too far ahead', () => {
    expect(llTooFarAhead(m, { msn: 13 })).toBe(true);
    expect(llTooFarAhead(m, { msn: 12 })).toBe(false);
    expect(llTooFarAhead(m, { msn: 10, part: 5 })).toBe(false);
    expect(llTooFarAhead(m, { msn: 12, part: 5 })).toBe(true);
  });
});

describe('validateLlPlaylist', () => {
  const good = renderLlPlaylist(model(8, 3));
  it.each([
    ['a part longer than PART-TARGET', good.replace('PART-TARGET=0.334', 'PART-TARGET=0.3'), /exceeds PART-TARGET/],
    ['PART-HOLD-BACK under 3 part targets', good.replace('PART-HOLD-BACK=1.002', 'PART-HOLD-BACK=0.7'), /below 3 x PART-TARGET/],
    ['a segment longer than the target', good.replace('TARGETDURATION:2', 'TARGETDURATION:1'), /rounds above TARGETDURATION/],
    ['a keyframe part not flagged', good.replace('URI="s6.0.m4s",INDEPENDENT=YES', 'URI="s6.0.m4s"'), /not INDEPENDENT/],
    ['parts that do not add up', good.replace('DURATION=0.33333,URI="s6.3.m4s"', 'DURATION=0.2,URI="s6.3.m4s"'), /parts add up/],
    ['a hint for a listed part', good.replace('URI="s8.3.m4s"', 'URI="s8.2.m4s"'), /names a listed part/],
    ['a short CAN-SKIP-UNTIL', good.replace('CAN-SKIP-UNTIL=12.0', 'CAN-SKIP-UNTIL=6'), /CAN-SKIP-UNTIL below/],
  ])('catches %s', (_name, text, rule) => {
    expect(validateLlPlaylist(text).join('\n')).toMatch(rule);
  });
  it('accepts the first playlists of a broadcast: parts only, then the one-part first segment and the next one growing', () => {
    // The worker closes a run's first segment after its first part (hls.js needs a complete segment to start).
    const first = model(1, 0, { partTarget: 0.355, preloadHint: 's1.0.m4s' });
    first.segments[0] = { ...first.segments[0]!, duration: 0.355, parts: [{ uri: 's0.0.m4s', duration: 0.355, independent: true }] };
    const growing = { ...model(1, 2, { partTarget: 0.355 }), segments: first.segments };
    const partsOnly = model(0, 1, { partTarget: 0.355 });
    const texts = [partsOnly, first, growing].map((m) => renderLlPlaylist(m, { reports: [{ uri: '../480p/index.m3u8', position: { msn: 0, part: 0 } }] }));
    for (const t of texts) expect(validateLlPlaylist(t, { requireParts: true }), t).toEqual([]);
    expect(texts[0]).not.toContain('#EXTINF');
    expect(texts[1]).toContain('#EXT-X-PART:DURATION=0.355,URI="s0.0.m4s",INDEPENDENT=YES\n#EXTINF:0.355,\ns0.m4s\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI="s1.0.m4s"');
    expect(validateLlUpdate(texts[1]!, texts[2]!)).toEqual([]);
    expect(llSatisfies(first, { msn: 0 })).toBe(true);
    expect(llSatisfies(first, { msn: 1, part: 0 })).toBe(false);
    expect(llSatisfies(growing, { msn: 1, part: 0 })).toBe(true);
    // A parts-only playlist must still start on a keyframe.
    expect(validateLlPlaylist(texts[0]!.replace(',INDEPENDENT=YES', '')).join()).toMatch(/first listed part is not independent/);
  });
  it('catches an update that goes back', () => {
    expect(validateLlUpdate(renderLlPlaylist(model(8, 3)), renderLlPlaylist(model(8, 1))).join()).toMatch(/lost parts/);
  });
});
