import { Worker } from 'node:worker_threads';

export type PatternVerdict = 'match' | 'none' | 'timeout';

// The worker's whole program, evaluated as CommonJS: compiled patterns are cached per pattern set.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const cache = new Map();
parentPort.on('message', ({ id, patterns, flags, texts }) => {
  const key = patterns.join('\\u0000');
  let compiled = cache.get(key);
  if (!compiled) {
    if (cache.size > 1000) cache.clear();
    compiled = patterns.map((p) => new RegExp(p, flags));
    cache.set(key, compiled);
  }
  parentPort.postMessage({ id, match: compiled.some((re) => texts.some((t) => re.test(t))) });
});`;

interface Job {
  id: number;
  budgetMs: number;
  patterns: readonly string[];
  flags: string;
  texts: readonly string[];
  resolve: (v: PatternVerdict) => void;
}

/**
 * Runs regular expressions on a worker thread, one message at a time, each with a time budget: a pattern that
 * backtracks past it gets the worker terminated (V8 stops even mid-regex) and a fresh one started, and the
 * message is reported `timeout`. The API's event loop never runs these patterns, so hostile input cannot stall
 * it (security issue #12, finding 7). When more than `maxQueue` messages wait, new ones are `timeout` at once
 * (held for review) rather than queued without bound.
 */
export class PatternRunner {
  private worker: Worker | null = null;
  private readonly queue: Job[] = [];
  private current: { job: Job; timer: NodeJS.Timeout | undefined } | null = null;
  private readonly online = new WeakSet<Worker>();
  private nextId = 1;
  /** How many times a pattern ran out of its budget (the worker was replaced). */
  timeouts = 0;

  constructor(private readonly options: { budgetMs: number; maxQueue: number } = { budgetMs: 50, maxQueue: 64 }) {}

  run(patterns: readonly string[], flags: string, texts: readonly string[], budgetMs = this.options.budgetMs): Promise<PatternVerdict> {
    if (this.queue.length >= this.options.maxQueue) return Promise.resolve('timeout');
    return new Promise<PatternVerdict>((resolve) => {
      this.queue.push({ id: this.nextId++, budgetMs, patterns, flags, texts, resolve });
      this.dispatch();
    });
  }

  /** Stops the worker (tests, shutdown); later calls start a new one. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private dispatch(): void {
    if (this.current || !this.queue.length) return;
    const job = this.queue.shift() as Job;
    const worker = this.ensureWorker();
    const current: { job: Job; timer: NodeJS.Timeout | undefined } = { job, timer: undefined };
    this.current = current;
    const startBudget = (): void => {
      if (this.current !== current) return;
      current.timer = setTimeout(() => {
        this.timeouts++;
        this.replaceWorker();
        this.settle('timeout');
      }, job.budgetMs);
    };
    // A fresh worker needs a moment to start: the budget counts the pattern's time, not the thread's start-up.
    if (this.online.has(worker)) startBudget();
    else worker.once('online', startBudget);
    worker.postMessage({ id: job.id, patterns: job.patterns, flags: job.flags, texts: job.texts });
  }

  private settle(verdict: PatternVerdict): void {
    const current = this.current;
    if (!current) return;
    clearTimeout(current.timer);
    this.current = null;
    current.job.resolve(verdict);
    this.dispatch();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    // An idle pattern worker must not keep the process alive.
    worker.unref();
    worker.once('online', () => this.online.add(worker));
    worker.on('message', (m: { id: number; match: boolean }) => {
      if (this.worker === worker && this.current?.job.id === m.id) this.settle(m.match ? 'match' : 'none');
    });
    // Only the live worker's failure concerns the message in flight (a replaced one may still report its end).
    worker.on('error', () => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.settle('timeout');
    });
    this.worker = worker;
    return worker;
  }

  private replaceWorker(): void {
    const worker = this.worker;
    this.worker = null;
    void worker?.terminate();
  }
}

let shared: PatternRunner | null = null;

/** The process's pattern worker, started on first use (one per process: the patterns of every channel share it). */
export function sharedPatternRunner(): PatternRunner {
  shared ??= new PatternRunner();
  return shared;
}
