import { describe, expect, it } from 'vitest';
import { cueAt, parseStoryboardVtt, parseVttTime } from './storyboard';

// What the worker writes (packages/media storyboardVtt): 160x90 tiles, 10 per row, one per 2 s.
const workerVtt = [
  'WEBVTT',
  '',
  '00:00:00.000 --> 00:00:02.000',
  'storyboard.jpg#xywh=0,0,160,90',
  '',
  '00:00:02.000 --> 00:00:04.000',
  'storyboard.jpg#xywh=160,0,160,90',
  '',
  '00:00:20.000 --> 00:00:21.500',
  'storyboard.jpg#xywh=0,90,160,90',
  '',
].join('\n');

describe(parseStoryboardVtt.name, () => {
  it('reads the worker format and resolves the sprite next to the VTT', () => {
    const sut = parseStoryboardVtt(workerVtt, 'https://cdn.example.com/media/vod/abc/storyboard.vtt');

    expect(sut).toEqual([
      { start: 0, end: 2, url: 'https://cdn.example.com/media/vod/abc/storyboard.jpg', x: 0, y: 0, width: 160, height: 90 },
      { start: 2, end: 4, url: 'https://cdn.example.com/media/vod/abc/storyboard.jpg', x: 160, y: 0, width: 160, height: 90 },
      { start: 20, end: 21.5, url: 'https://cdn.example.com/media/vod/abc/storyboard.jpg', x: 0, y: 90, width: 160, height: 90 },
    ]);
  });

  it('resolves a root-relative VTT URL against the page, and sprite paths relative to the VTT', () => {
    const text = 'WEBVTT\n\n00:01.000 --> 00:03.000\n../sprites/a.jpg#xywh=pixel:10,20,160,90\n';

    const [cue] = parseStoryboardVtt(text, '/media/vod/abc/storyboard.vtt', 'http://127.0.0.1:8080/v/abc?t=3');

    expect(cue).toEqual({ start: 1, end: 3, url: 'http://127.0.0.1:8080/media/vod/sprites/a.jpg', x: 10, y: 20, width: 160, height: 90 });
  });

  it('keeps an absolute sprite URL, tolerates CRLF, a BOM, cue ids, NOTE blocks and settings', () => {
    const text =
      '\uFEFFWEBVTT - thumbnails\r\n\r\nNOTE made by hand\r\n\r\nthumb-1\r\n00:00:04.000 --> 00:00:06.000 align:start\r\n' +
      'https://img.example.com/s.jpg?sig=1#xywh=320,0,160,90\r\n';

    const sut = parseStoryboardVtt(text, 'https://cdn.example.com/vod/storyboard.vtt');

    expect(sut).toEqual([{ start: 4, end: 6, url: 'https://img.example.com/s.jpg?sig=1', x: 320, y: 0, width: 160, height: 90 }]);
  });

  it('skips cues that are not sprite regions or have bad timings, and sorts by start', () => {
    const text = [
      'WEBVTT',
      '',
      '00:00:06.000 --> 00:00:08.000',
      'sprite.jpg#xywh=0,0,160,90',
      '',
      '00:00:02.000 --> 00:00:04.000',
      'just a caption',
      '',
      '00:00:05.000 --> 00:00:04.000',
      'sprite.jpg#xywh=160,0,160,90',
      '',
      '00:00:00.000 --> 00:00:02.000',
      'sprite.jpg#xywh=320,0,160,90',
    ].join('\n');

    expect(parseStoryboardVtt(text, 'http://h/v.vtt').map((cue) => [cue.start, cue.x])).toEqual([
      [0, 320],
      [6, 0],
    ]);
  });

  it('gives no cues for something that is not WebVTT (an HTML error page)', () => {
    expect(parseStoryboardVtt('<!doctype html><p>not found</p>', 'http://h/v.vtt')).toEqual([]);
    expect(parseStoryboardVtt('', 'http://h/v.vtt')).toEqual([]);
  });
});

describe(parseVttTime.name, () => {
  it('reads hours optionally and rejects malformed timestamps', () => {
    expect(parseVttTime('01:02:03.456')).toBeCloseTo(3723.456);
    expect(parseVttTime('02:03.500')).toBe(123.5);
    expect(parseVttTime('2:3.5')).toBeNaN();
  });
});

describe(cueAt.name, () => {
  const cues = parseStoryboardVtt(workerVtt, 'http://h/storyboard.vtt');

  it('finds the cue covering a time, and the nearest one at the edges or in a gap', () => {
    expect(cueAt(cues, 0)?.x).toBe(0);
    expect(cueAt(cues, 2)?.x).toBe(160);
    expect(cueAt(cues, 3.99)?.x).toBe(160);
    expect(cueAt(cues, 10)?.x).toBe(160);
    expect(cueAt(cues, 20.5)?.y).toBe(90);
    expect(cueAt(cues, 99)?.y).toBe(90);
    expect(cueAt(cues, -1)?.x).toBe(0);
    expect(cueAt([], 1)).toBeNull();
  });
});
