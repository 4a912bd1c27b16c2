import { describe, expect, it } from 'vitest';
import { ChatReplay } from './chat-replay';
import type { ChatReplayPage, ReplayMessage } from './stats-api';

const CHANNEL = '00000000-0000-4000-8000-000000000010';

function message(offsetSeconds: number, text = `at ${offsetSeconds}`): ReplayMessage {
  return {
    id: `m-${offsetSeconds}`,
    channelId: CHANNEL,
    kind: 'message',
    author: { key: 'device:a', nickname: 'a', role: 'viewer', registered: false },
    text,
    masked: false,
    createdAt: new Date(Date.UTC(2026, 2, 1, 12, 0, 0) + offsetSeconds * 1000).toISOString(),
    offsetSeconds,
  } as ReplayMessage;
}

/** A server holding `offsets`, answering windows on demand (each request waits until `answer()`). */
function server(offsets: number[], limit = Infinity) {
  const all = offsets.map((o) => message(o));
  const requests: Array<{ from: number; to: number; signal: AbortSignal; resolve: (page: ChatReplayPage) => void; reject: (error: Error) => void }> = [];
  const load = (from: number, to: number, signal: AbortSignal) =>
    new Promise<ChatReplayPage>((resolve, reject) => requests.push({ from, to, signal, resolve, reject }));
  const page = (from: number, to: number): ChatReplayPage => {
    const inWindow = all.filter((m) => m.offsetSeconds >= from && m.offsetSeconds < to);
    const items = inWindow.slice(0, limit);
    return { items, nextFrom: inWindow.length > limit ? inWindow[limit]!.offsetSeconds : null };
  };
  return {
    load,
    requests,
    /** Answers the oldest open request and lets the replay react. */
    async answer() {
      const request = requests.shift()!;
      request.resolve(page(request.from, request.to));
      await Promise.resolve();
      await Promise.resolve();
      return request;
    },
    async fail() {
      const request = requests.shift()!;
      request.reject(new Error('offline'));
      await Promise.resolve();
      await Promise.resolve();
    },
  };
}

const texts = (replay: ChatReplay) => replay.getSnapshot().visible.map((m) => m.offsetSeconds);

describe(ChatReplay.name, () => {
  it('shows messages as the playhead reaches them and loads the next window ahead of it', async () => {
    const s = server([1, 5, 12, 59, 61, 75, 130]);
    const sut = new ChatReplay(s.load, { windowSeconds: 60, aheadSeconds: 20 });
    let changes = 0;
    sut.subscribe(() => changes++);

    sut.setTime(0);
    expect(s.requests.map((r) => [r.from, r.to])).toEqual([[0, 60]]);
    expect(sut.getSnapshot().loading).toBe(true);
    await s.answer();
    expect(texts(sut)).toEqual([]);

    sut.setTime(5);
    expect(texts(sut)).toEqual([1, 5]);
    const before = changes;
    sut.setTime(5.25); // nothing new: no re-render
    expect(changes).toBe(before);

    sut.setTime(39); // 21 s before the loaded end: not yet
    expect(s.requests).toHaveLength(0);
    sut.setTime(41);
    expect(s.requests.map((r) => [r.from, r.to])).toEqual([[60, 120]]);
    await s.answer();
    sut.setTime(61);
    expect(texts(sut)).toEqual([1, 5, 12, 59, 61]);
    sut.setTime(100); // loaded up to 120: enough
    expect(s.requests).toHaveLength(0);
    sut.setTime(101);
    expect(s.requests.map((r) => [r.from, r.to])).toEqual([[120, 180]]);
    await s.answer();
    sut.setTime(130);
    expect(texts(sut)).toEqual([1, 5, 12, 59, 61, 75, 130]);
  });

  it('handles seeking: back inside the loaded chat hides later messages, far away starts over there', async () => {
    const s = server([2, 10, 20, 300, 310, 330]);
    const sut = new ChatReplay(s.load, { windowSeconds: 60, aheadSeconds: 20, backfillSeconds: 30 });
    sut.setTime(0);
    await s.answer();
    sut.setTime(25);
    expect(texts(sut)).toEqual([2, 10, 20]);

    sut.setTime(12); // back, still loaded
    expect(texts(sut)).toEqual([2, 10]);
    expect(s.requests).toHaveLength(0);

    sut.setTime(315); // far ahead: the chat before 315 is loaded from 285 on
    expect(texts(sut)).toEqual([]);
    expect(s.requests.map((r) => [r.from, r.to])).toEqual([[285, 345]]);
    await s.answer();
    sut.setTime(315);
    expect(texts(sut)).toEqual([300, 310]);

    sut.setTime(5); // back before what is loaded: starts over at 0
    expect(s.requests.map((r) => [r.from, r.to])).toEqual([[0, 60]]);
    await s.answer();
    expect(texts(sut)).toEqual([2]);
  });

  it('ignores the answer of a window the viewer seeked away from', async () => {
    const s = server([10, 500]);
    const sut = new ChatReplay(s.load, { windowSeconds: 60, backfillSeconds: 0 });
    sut.setTime(0);
    sut.setTime(500);
    expect(s.requests[0]!.signal.aborted).toBe(true);
    await s.answer(); // the stale [0, 60) answer
    expect(texts(sut)).toEqual([]);
    await s.answer();
    sut.setTime(501);
    expect(texts(sut)).toEqual([500]);
  });

  it('continues a window the server cut short from nextFrom', async () => {
    const s = server([1, 2, 3, 4, 5], 2);
    const sut = new ChatReplay(s.load, { windowSeconds: 60 });
    sut.setTime(10);
    const first = await s.answer();
    expect([first.from, first.to]).toEqual([0, 60]);
    expect(s.requests.map((r) => [r.from, r.to])).toEqual([[3, 63]]);
    await s.answer();
    await s.answer();
    expect(texts(sut)).toEqual([1, 2, 3, 4, 5]);
  });

  it('stops at the end of the recording and retries a failed window once the playhead moves on', async () => {
    const s = server([70]);
    const sut = new ChatReplay(s.load, { windowSeconds: 60, aheadSeconds: 20, durationSeconds: 90 });
    sut.setTime(0);
    await s.fail();
    expect(sut.getSnapshot().failed).toBe(true);
    sut.setTime(1);
    expect(s.requests).toHaveLength(0);
    sut.setTime(6);
    await s.answer();
    expect(sut.getSnapshot().failed).toBe(false);
    sut.setTime(50);
    await s.answer();
    sut.setTime(89);
    expect(texts(sut)).toEqual([70]);
    expect(s.requests).toHaveLength(0);
  });
});
