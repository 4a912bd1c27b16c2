/**
 * Preloaded into a server under test (`node --expose-gc --import <this file> ...`) so the chat bench can read
 * the process's own CPU time, memory and event-loop delay without the server knowing about the bench.
 * Listens on 127.0.0.1:BENCH_PROBE_PORT; does nothing when that is unset.
 *
 *   GET /probe          figures now
 *   GET /probe?reset=1  figures now, then restart the event-loop delay histogram
 *   GET /probe?gc=1     a full garbage collection first (needs --expose-gc), for RSS comparisons
 */
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** What GET /probe answers. */
export interface ProbeReport {
  pid: number;
  at: number;
  /** process.cpuUsage(): user and system microseconds since start. */
  cpuUs: { user: number; system: number };
  rssBytes: number;
  heapUsedBytes: number;
  /** Event-loop delay since the last reset beyond the 10 ms sampling interval, milliseconds (NaN without samples). */
  eventLoop: { p50: number; p99: number; max: number; mean: number; count: number };
  gc: boolean;
}

const port = Number(process.env.BENCH_PROBE_PORT ?? 0);
if (port > 0) {
  // 10 ms sampling timer: fine enough for a p99 budget of a few hundred ms, and costs nothing measurable.
  // The histogram records the timer's whole interval, so the resolution is taken off (as fastify's under-pressure does).
  const RESOLUTION_MS = 10;
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  const ms = (ns: number): number => (delay.count ? Math.max(0, Math.round(ns / 1e4) / 100 - RESOLUTION_MS) : Number.NaN);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://probe');
    const gc = (globalThis as { gc?: () => void }).gc;
    if (url.searchParams.has('gc') && gc) gc();
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    const report: ProbeReport = {
      pid: process.pid,
      at: Date.now(),
      cpuUs: { user: cpu.user, system: cpu.system },
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      eventLoop: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), mean: ms(delay.mean), count: delay.count },
      gc: url.searchParams.has('gc') && gc !== undefined,
    };
    if (url.searchParams.has('reset')) delay.reset();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(report));
  });
  server.listen(port, '127.0.0.1');
  // Never what keeps the server alive on shutdown.
  server.unref();
}
