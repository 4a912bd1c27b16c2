import { describe, expect, it } from 'vitest';
import { benchMessageText, connectPacket, countOccurrences, eventPacket, LatencyHistogram, parsePacket, sentTimes, socketUrl } from './chat-wire.js';

describe(parsePacket.name, () => {
  it('reads the engine.io open, ping and close packets', () => {
    expect(parsePacket('0{"sid":"x","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}')).toEqual({ kind: 'open', pingInterval: 25000 });
    expect(parsePacket('2')).toEqual({ kind: 'ping' });
    expect(parsePacket('1')).toEqual({ kind: 'close' });
  });

  it('reads namespaced connect, connect_error, event, ack and disconnect packets', () => {
    expect(parsePacket('40/chat,{"sid":"abc"}')).toEqual({ kind: 'connect', nsp: '/chat', data: { sid: 'abc' } });
    expect(parsePacket('44/chat,{"message":"no"}')).toEqual({ kind: 'connect_error', nsp: '/chat', data: { message: 'no' } });
    expect(parsePacket('42/chat,["frame",{"items":[]}]')).toEqual({ kind: 'event', nsp: '/chat', name: 'frame', args: [{ items: [] }], ackId: null });
    expect(parsePacket('42/chat,7["join",{"channel":"a"}]')).toEqual({ kind: 'event', nsp: '/chat', name: 'join', args: [{ channel: 'a' }], ackId: 7 });
    expect(parsePacket('43/chat,12[{"ok":true}]')).toEqual({ kind: 'ack', nsp: '/chat', ackId: 12, args: [{ ok: true }] });
    expect(parsePacket('41/chat,')).toEqual({ kind: 'disconnect', nsp: '/chat' });
  });

  it('reads packets of the main namespace, which carry no namespace prefix', () => {
    expect(parsePacket('42["hello",1]')).toEqual({ kind: 'event', nsp: '/', name: 'hello', args: [1], ackId: null });
  });
});

describe(eventPacket.name, () => {
  it('writes what parsePacket reads, with and without an ack id', () => {
    expect(eventPacket('/chat', 'join', { channel: 'a' }, 1)).toBe('42/chat,1["join",{"channel":"a"}]');
    expect(parsePacket(eventPacket('/chat', 'send', { text: 'hi' }))).toEqual({ kind: 'event', nsp: '/chat', name: 'send', args: [{ text: 'hi' }], ackId: null });
    expect(connectPacket('/chat')).toBe('40/chat,');
    expect(connectPacket('/chat', { token: 't' })).toBe('40/chat,{"token":"t"}');
  });
});

describe(socketUrl.name, () => {
  it('goes straight to the websocket transport of engine.io v4', () => {
    expect(socketUrl('http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/socket.io/?EIO=4&transport=websocket');
    expect(socketUrl('https://example.com/')).toBe('wss://example.com/socket.io/?EIO=4&transport=websocket');
  });
});

describe(countOccurrences.name, () => {
  it('counts message items in a frame without decoding it', () => {
    const frame = Buffer.from(`42/chat,["frame",${JSON.stringify({ items: [{ type: 'message' }, { type: 'delete' }, { type: 'message' }] })}]`);
    expect(countOccurrences(frame, Buffer.from('"type":"message"'))).toBe(2);
    expect(countOccurrences(Buffer.from('aaaa'), Buffer.from('aa'))).toBe(2);
  });
});

describe(sentTimes.name, () => {
  it('finds the send time of every bench message in a frame', () => {
    const a = benchMessageText(1, 2, 1_700_000_000_123);
    const b = benchMessageText(3, 4, 1_700_000_000_456);
    expect(sentTimes(JSON.stringify({ items: [{ text: a }, { text: b }] }))).toEqual([1_700_000_000_123, 1_700_000_000_456]);
    expect(sentTimes('sent 12')).toEqual([]);
  });
});

describe(LatencyHistogram.name, () => {
  it('gives nearest-rank quantiles at 1 ms and merges across processes', () => {
    const a = new LatencyHistogram();
    for (let ms = 1; ms <= 50; ms++) a.record(ms);
    const b = new LatencyHistogram();
    for (let ms = 51; ms <= 100; ms++) b.record(ms + 0.2);
    const sut = LatencyHistogram.from(JSON.parse(JSON.stringify(a.toJSON())) as ReturnType<LatencyHistogram['toJSON']>).merge(b);
    expect(sut.n).toBe(100);
    expect(sut.quantile(0.5)).toBe(50);
    expect(sut.quantile(0.99)).toBe(99);
    expect(sut.max).toBe(100);
  });

  it('is NaN when empty', () => {
    expect(new LatencyHistogram().quantile(0.5)).toBeNaN();
  });
});
