import os from 'node:os';
import type { Socket } from 'socket.io-client';
import { markdownTable, type Row } from './report.js';
import { joinChat, LatencyProbe, LoadProcesses, RawChatSocket, Senders } from './support/chat-clients.js';
import { descendantsCpuUs, machineCpu, processCpuUs, processRssBytes, startBaselineServer, startOndaApi, type ChatServer, type ChatSide } from './support/chat-servers.js';
import { LatencyHistogram } from './support/chat-wire.js';
import { sleep } from '@onda/testing';

/** Targets from issue #5. */
const TARGET_P99_MS = 300;
const TARGET_RSS_KB = 12;

export interface ChatOptions {
  viewers: number;
  /** Incoming messages per second, all senders together. */
  rate: number;
  /** Measured window, after the warm-up. */
  seconds: number;
  warmupSeconds: number;
  /** Sending connections; 0 = one per 0.5 msgs/s (under Onda's anonymous per-author limit of 20 messages per 30 s). */
  senders: number;
  probes: number;
  loadProcesses: number;
  /** Every n-th raw viewer times its messages. */
  sampleEvery: number;
  sides: ChatSide[];
  /** Before each side, wait (up to 15 min) until the machine is idle: this box is shared with other work. */
  waitQuiet: boolean;
}

export const defaultChatOptions: ChatOptions = {
  viewers: 10_000,
  rate: 100,
  seconds: 20,
  warmupSeconds: 5,
  senders: 0,
  probes: 4,
  loadProcesses: 1,
  sampleEvery: 100,
  // Onda first: the figures that matter get the quiet machine, the baseline's collapse comes after.
  sides: ['onda', 'baseline'],
  waitQuiet: false,
};

interface Latency {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** Figures of one server over the measured window. */
export interface ChatSideResult {
  side: ChatSide;
  viewers: { requested: number; joined: number; failed: number; errors: Record<string, number>; connectSeconds: number };
  /** After a full GC, before and after N idle viewers joined; `endMB` at the end of the window (from /proc). */
  rss: { beforeMB: number; idleMB: number; perConnectionKB: number; heapPerConnectionKB: number; endMB: number };
  windowSeconds: number;
  /** Messages the senders posted in the window, per second. */
  sentPerSecond: number;
  /** Of which acknowledged ok within the window. */
  acceptedPerSecond: number;
  refused: Record<string, number>;
  /** Accepted but not delivered as sent (masked, held, dropped by moderation). */
  outcomes: Record<string, number>;
  deliveredPerSecond: number;
  framesPerSecond: number;
  messagesPerFrame: number;
  /** delivered / (sent x viewers): below 1 means the server fell behind, refused messages or dropped viewers. */
  deliveredShare: number;
  serverCores: number;
  cpuUsPerMessage: number;
  cpuUsPerFrame: number;
  /** Event-loop delay over the window; Infinity when the server could not even answer its probe. */
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  /** Child processes of the server (the API's embedded PostgreSQL): cores busy. */
  childCores: number;
  rawLatency: Latency;
  probeLatency: Latency;
  droppedViewers: number;
  loadGenCores: number;
  loadGenEventLoopP99Ms: number;
  /** This process: the senders and the socket.io-client probes. */
  benchCores: number;
  machineBusyCores: number;
  loadAverage: number;
}

export interface ChatResult {
  options: ChatOptions;
  sides: Partial<Record<ChatSide, ChatSideResult>>;
}

const latencyOf = (h: LatencyHistogram): Latency => ({ n: h.n, p50: h.quantile(0.5), p99: h.quantile(0.99), max: h.max });
const mb = (bytes: number): number => bytes / 1024 / 1024;

async function joinProbes(server: ChatServer, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i++) sockets.push(await joinChat({ httpUrl: server.httpUrl, channel: server.channel, auth: { deviceId: `benchprobe${i}` } }, `probe${i}`));
  return sockets;
}

/** Senders, each its own anonymous device (rate limits are per author). */
async function joinSenders(server: ChatServer, count: number): Promise<RawChatSocket[]> {
  const sockets: RawChatSocket[] = [];
  for (let i = 0; i < count; i += 20) {
    const batch = Array.from({ length: Math.min(20, count - i) }, (_, j) => RawChatSocket.join({ httpUrl: server.httpUrl, channel: server.channel, auth: { deviceId: `benchsender${i + j}` } }, `sender${i + j}`));
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

/** One server: N idle viewers (RSS), then M msgs/s through warm-up and the measured window. */
async function measureSide(server: ChatServer, o: ChatOptions, log: (line: string) => void): Promise<ChatSideResult> {
  const tag = `chat ${server.side}`;
  let lastLogged = 0;
  const load = LoadProcesses.start(o.loadProcesses, (joined, failed) => {
    if (Date.now() - lastLogged > 5000) {
      lastLogged = Date.now();
      log(`${tag}: ${joined} viewers joined, ${failed} failed`);
    }
  });
  const sockets: Socket[] = [];
  const senderSockets: RawChatSocket[] = [];
  let senders: Senders | null = null;
  try {
    const before = await server.probe({ gc: true });
    const conn = await load.connect({ httpUrl: server.httpUrl, nsp: '/chat', channel: server.channel, count: o.viewers, concurrency: 100, sampleEvery: o.sampleEvery, timeoutMs: 30_000 });
    log(`${tag}: ${conn.joined}/${o.viewers} viewers joined in ${(conn.ms / 1000).toFixed(1)} s${conn.failed ? `; failures: ${JSON.stringify(conn.errors)}` : ''}`);
    if (conn.joined === 0) throw new Error(`no viewer could join: ${JSON.stringify(conn.errors)}`);
    await sleep(3000);
    const idle = await server.probe({ gc: true });
    const perConnectionKB = (idle.rssBytes - before.rssBytes) / 1024 / conn.joined;
    const heapPerConnectionKB = (idle.heapUsedBytes - before.heapUsedBytes) / 1024 / conn.joined;
    log(`${tag}: RSS ${mb(before.rssBytes).toFixed(0)} MB -> ${mb(idle.rssBytes).toFixed(0)} MB with ${conn.joined} idle viewers (${perConnectionKB.toFixed(1)} KB each, of which JS heap ${heapPerConnectionKB.toFixed(1)} KB)`);

    // Probes join after the bulk viewers: near the end of the room's order, where each fan-out arrives last.
    const probeSockets = await joinProbes(server, o.probes);
    sockets.push(...probeSockets);
    const probes = probeSockets.map((s) => new LatencyProbe(s));
    const senderCount = o.senders || Math.ceil(o.rate / 0.5);
    senderSockets.push(...(await joinSenders(server, senderCount)));
    senders = new Senders(senderSockets);
    senders.start(o.rate);
    log(`${tag}: ${o.rate} msgs/s from ${senderCount} senders; ${o.warmupSeconds} s warm-up, then ${o.seconds} s measured`);
    await sleep(o.warmupSeconds * 1000);

    // The window is timed from here, not by the server: CPU and RSS come from /proc, so a server that has
    // fallen behind (its event loop stuck in a backlog) cannot stretch or shorten what is measured.
    const pid = server.proc.child.pid!;
    await load.reset();
    for (const p of probes) p.reset();
    senders.reset();
    const probeReset = server.probe({ reset: true, timeoutMs: o.seconds * 1000 }).then(() => true, () => false);
    const cpu0 = processCpuUs(pid);
    const child0 = descendantsCpuUs(pid);
    const machine0 = machineCpu();
    const self0 = process.cpuUsage();
    const t0 = Date.now();
    await sleep(o.seconds * 1000);
    const cpu1 = processCpuUs(pid);
    const wall = (Date.now() - t0) / 1000;
    const child1 = descendantsCpuUs(pid);
    const machine1 = machineCpu();
    const self1 = process.cpuUsage(self0);
    const rssEnd = processRssBytes(pid);
    const stats = await load.stats();
    const { sent, accepted } = senders;
    const refused = { ...senders.refused };
    const outcomes = { ...senders.outcomes };
    const probeLatency = new LatencyHistogram();
    for (const p of probes) probeLatency.merge(p.latency);
    senders.stop();
    // Event-loop delay needs the server to answer; one that cannot within 10 s is reported as such.
    const resetInTime = await probeReset;
    const end = resetInTime ? await server.probe({ timeoutMs: 10_000 }).catch(() => null) : null;
    if (!end) log(`${tag}: the server did not answer its probe in time: its event loop is stuck`);

    const serverUs = cpu1 - cpu0;
    const result: ChatSideResult = {
      side: server.side,
      viewers: { requested: o.viewers, joined: conn.joined, failed: conn.failed, errors: conn.errors, connectSeconds: conn.ms / 1000 },
      rss: { beforeMB: mb(before.rssBytes), idleMB: mb(idle.rssBytes), perConnectionKB, heapPerConnectionKB, endMB: mb(rssEnd) },
      windowSeconds: wall,
      sentPerSecond: sent / wall,
      acceptedPerSecond: accepted / wall,
      refused,
      outcomes,
      deliveredPerSecond: stats.messages / stats.seconds,
      framesPerSecond: stats.frames / stats.seconds,
      messagesPerFrame: stats.frameEvents ? stats.messages / stats.frameEvents : 0,
      deliveredShare: sent ? stats.messages / (sent * conn.joined) : 0,
      serverCores: serverUs / 1e6 / wall,
      cpuUsPerMessage: stats.messages ? serverUs / stats.messages : Number.NaN,
      cpuUsPerFrame: stats.frames ? serverUs / stats.frames : Number.NaN,
      childCores: (child1 - child0) / 1e6 / wall,
      eventLoopP99Ms: end ? end.eventLoop.p99 : Number.POSITIVE_INFINITY,
      eventLoopMaxMs: end ? end.eventLoop.max : Number.POSITIVE_INFINITY,
      rawLatency: latencyOf(stats.latencyHistogram),
      probeLatency: latencyOf(probeLatency),
      droppedViewers: stats.dropped + probes.filter((p) => p.disconnected).length,
      loadGenCores: stats.cpuUs / 1e6 / stats.seconds,
      loadGenEventLoopP99Ms: stats.eventLoopP99Ms,
      benchCores: (self1.user + self1.system) / 1e6 / wall,
      machineBusyCores: ((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * os.cpus().length,
      loadAverage: os.loadavg()[0]!,
    };
    log(`${tag}:\n${markdownTable(sideRows(result))}`);
    return result;
  } finally {
    senders?.stop();
    for (const s of sockets) s.disconnect();
    for (const s of senderSockets) s.close();
    await load.stop();
  }
}

/** Busy cores of the whole machine over `ms`. */
async function busyCores(ms: number): Promise<number> {
  const a = machineCpu();
  await sleep(ms);
  const b = machineCpu();
  return ((b.busy - a.busy) / (b.total - a.total)) * os.cpus().length;
}

/** Waits until the machine has been nearly idle for 5 s (other work on a shared box skews every figure). */
async function waitQuiet(log: (line: string) => void, timeoutMs = 15 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let busy = await busyCores(5000);
  if (busy < 0.25) return;
  log(`chat: waiting for a quiet machine (${busy.toFixed(2)} cores busy)`);
  while (Date.now() < deadline) {
    busy = await busyCores(5000);
    if (busy < 0.25) return log(`chat: quiet (${busy.toFixed(2)} cores busy)`);
  }
  log(`chat: the machine stayed busy (${busy.toFixed(2)} cores); measuring anyway`);
}

/** Both servers, one after the other, with the same load; each in a fresh process. */
export async function benchChat(log: (line: string) => void, options: Partial<ChatOptions> = {}): Promise<ChatResult> {
  const o = { ...defaultChatOptions, ...options };
  const result: ChatResult = { options: o, sides: {} };
  log(`chat: ${o.viewers} viewers in one room, ${o.rate} msgs/s (${((o.viewers * o.rate) / 1e6).toFixed(2)} M deliveries/s asked), load average ${os.loadavg()[0]!.toFixed(2)}`);
  for (const side of o.sides) {
    if (o.waitQuiet) await waitQuiet(log);
    const server = side === 'onda' ? await startOndaApi() : await startBaselineServer();
    log(`chat ${side}: server up at ${server.httpUrl} (pid ${server.proc.child.pid})`);
    try {
      result.sides[side] = await measureSide(server, o, log);
    } finally {
      await server.stop();
    }
  }
  return result;
}

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const fix = (n: number, d = 1): string => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const ms = (l: Latency): string => (l.n ? `${int(l.p50)} / ${int(l.p99)} ms` : 'no samples');

/** Machine CPU not spent by the server, its children, the load generator or this process. */
export const othersCores = (r: ChatSideResult): number => Math.max(0, r.machineBusyCores - r.serverCores - r.childCores - r.loadGenCores - r.benchCores);

/** One side's own table (printed during the run). */
export function sideRows(r: ChatSideResult): Row[] {
  const bench = `chat ${r.side}`;
  const refused = Object.entries({ ...r.refused, ...r.outcomes }).map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    { bench, metric: 'viewers joined (connect time)', value: `${int(r.viewers.joined)} of ${int(r.viewers.requested)} (${fix(r.viewers.connectSeconds)} s)`, target: '', ok: null },
    { bench, metric: 'incoming messages/s sent / acknowledged ok in the window', value: `${fix(r.sentPerSecond)} / ${fix(r.acceptedPerSecond)}${refused ? ` (not delivered as sent: ${refused})` : ''}`, target: '', ok: null },
    { bench, metric: 'delivered messages/s', value: `${int(r.deliveredPerSecond)} (${fix(r.deliveredShare * 100)}% of sent x viewers)`, target: '', ok: null },
    { bench, metric: 'frames/s (messages per frame)', value: `${int(r.framesPerSecond)} (${fix(r.messagesPerFrame)})`, target: '', ok: null },
    { bench, metric: 'server CPU per delivered message / per frame', value: `${fix(r.cpuUsPerMessage, 2)} / ${fix(r.cpuUsPerFrame, 1)} us (${fix(r.serverCores, 2)} cores${r.childCores > 0.005 ? ` + ${fix(r.childCores, 2)} in child processes` : ''})`, target: '', ok: null },
    { bench, metric: 'delivery latency p50 / p99 (sampled raw viewers across the room)', value: `${ms(r.rawLatency)} (max ${int(r.rawLatency.max)})`, target: `p99 <= ${TARGET_P99_MS} ms`, ok: r.rawLatency.n ? r.rawLatency.p99 <= TARGET_P99_MS : false },
    { bench, metric: 'delivery latency p50 / p99 (socket.io-client probes, joined after the bulk)', value: `${ms(r.probeLatency)} (max ${int(r.probeLatency.max)})`, target: `p99 <= ${TARGET_P99_MS} ms`, ok: r.probeLatency.n ? r.probeLatency.p99 <= TARGET_P99_MS : false },
    { bench, metric: 'event-loop delay p99 (max)', value: Number.isFinite(r.eventLoopP99Ms) ? `${fix(r.eventLoopP99Ms)} ms (${fix(r.eventLoopMaxMs)})` : 'stuck: no probe answer within 10 s', target: '', ok: null },
    { bench, metric: 'RSS per idle connection', value: `${fix(r.rss.perConnectionKB)} KB, JS heap ${fix(r.rss.heapPerConnectionKB)} KB (${int(r.rss.beforeMB)} -> ${int(r.rss.idleMB)} MB; ${int(r.rss.endMB)} MB at the end)`, target: `<= ${TARGET_RSS_KB} KB`, ok: r.rss.perConnectionKB <= TARGET_RSS_KB },
    { bench, metric: 'viewers dropped during the run', value: int(r.droppedViewers), target: '', ok: null },
    { bench, metric: 'raw-viewer load generator cores (event-loop p99); senders + probes cores', value: `${fix(r.loadGenCores, 2)} (${fix(r.loadGenEventLoopP99Ms)} ms); ${fix(r.benchCores, 2)}`, target: '', ok: null },
    { bench, metric: 'machine busy cores (outside the bench processes: other work, kernel softirq); 1-min load average', value: `${fix(r.machineBusyCores, 2)} of ${os.cpus().length} (${fix(othersCores(r), 2)}); ${fix(r.loadAverage, 2)}`, target: '', ok: null },
  ];
}

const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `x${(a / b).toFixed(a / b >= 10 ? 0 : 2)}` : 'n/a');

/** The summary rows: Onda and the one-emit baseline side by side, with Onda / baseline for each figure. */
export function chatRows(r: ChatResult): Row[] {
  const onda = r.sides.onda;
  const base = r.sides.baseline;
  const scenario = `${int(r.options.viewers)} viewers, ${int(r.options.rate)} msgs/s`;
  const rows: Row[] = [];
  const both = (metric: string, pick: (s: ChatSideResult) => number, format: (n: number) => string, target = '', ok: ((s: ChatSideResult) => boolean) | null = null): void => {
    const parts = [onda ? `Onda ${format(pick(onda))}` : null, base ? `one emit per message ${format(pick(base))}` : null].filter(Boolean);
    const cmp = onda && base ? ` (${ratio(pick(onda), pick(base))})` : '';
    rows.push({ bench: 'chat fan-out', metric, value: `${parts.join('; ')}${cmp}`, target, ok: ok && onda ? ok(onda) : null });
  };
  both(`delivered messages/s (${scenario})`, (s) => s.deliveredPerSecond, int, int(r.options.viewers * r.options.rate), (s) => s.deliveredPerSecond >= 0.97 * r.options.viewers * r.options.rate);
  both('frames/s', (s) => s.framesPerSecond, int);
  both('server CPU per delivered message', (s) => s.cpuUsPerMessage, (n) => `${fix(n, 2)} us`);
  both('delivery latency p50 (raw viewers across the room)', (s) => s.rawLatency.p50, (n) => `${int(n)} ms`);
  both('delivery latency p99 (raw viewers across the room)', (s) => s.rawLatency.p99, (n) => `${int(n)} ms`, `<= ${TARGET_P99_MS} ms`, (s) => s.rawLatency.n > 0 && s.rawLatency.p99 <= TARGET_P99_MS);
  both('delivery latency p99 (socket.io-client probes, joined after the bulk)', (s) => s.probeLatency.p99, (n) => `${int(n)} ms`, `<= ${TARGET_P99_MS} ms`, (s) => s.probeLatency.n > 0 && s.probeLatency.p99 <= TARGET_P99_MS);
  both('server event-loop delay p99', (s) => s.eventLoopP99Ms, (n) => (Number.isFinite(n) ? `${fix(n)} ms` : 'stuck (no answer in 10 s)'));
  both('RSS per idle connection', (s) => s.rss.perConnectionKB, (n) => `${fix(n)} KB`, `<= ${TARGET_RSS_KB} KB`, (s) => s.rss.perConnectionKB <= TARGET_RSS_KB);
  return rows;
}
