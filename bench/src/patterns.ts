import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Script, createContext } from 'node:vm';
import { createModerationPipeline, validateBlockedPattern, type ModerationSettings } from '@onda/moderation';
import type { Row } from './report.js';
import { writeSuiteResults } from './results-file.js';

/**
 * Hostile blocked patterns (security issue #12, finding 7): what happens to the API's event loop while hostile
 * messages flow through a channel whose owner saved the worst patterns the validation lets through. Patterns the
 * validation refuses are listed with its reason. The previous design (every risky pattern run synchronously in a
 * node:vm context with a 50 ms limit) is measured on the same messages for comparison.
 */
const HOSTILE = [
  '(a|aa)+b', '(a+)+b', '(a*)*b', '(.*a){12}', '(?=a*a*a*b)', '(\\w+\\s?)+$', '(x)\\1',
  // Accepted: polynomial, several unbounded quantifiers (run on the pattern worker).
  'a*a*a*a*a*b', '.*a.*a.*a.*a.*b', '\\s*\\s*\\s*\\s*x', 'a+a+a+a+c',
];
export const PATTERNS_TARGET_P99_MS = 20;

export interface PatternsResult {
  refused: Array<{ pattern: string; reason: string }>;
  accepted: string[];
  messages: number;
  ratePerSecond: number;
  onda: LoopStats & { outcomes: Record<string, number> };
  inLoopVm: LoopStats;
}
interface LoopStats { p50Ms: number; p99Ms: number; maxMs: number }

const ms = (ns: number): number => Math.round((ns / 1e6) * 10) / 10;

async function measure(rate: number, seconds: number, handle: (i: number) => Promise<unknown> | unknown): Promise<LoopStats> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const pending: Array<Promise<unknown>> = [];
  const total = rate * seconds;
  for (let i = 0; i < total; i++) {
    pending.push(Promise.resolve(handle(i)));
    await new Promise((r) => setTimeout(r, 1000 / rate));
  }
  await Promise.all(pending);
  h.disable();
  return { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max) };
}

export async function benchPatterns(log: (line: string) => void, opts: { rate?: number; seconds?: number } = {}): Promise<PatternsResult> {
  const startedAt = Date.now();
  const rate = opts.rate ?? 40;
  const seconds = opts.seconds ?? 5;
  const refused: PatternsResult['refused'] = [];
  const accepted: string[] = [];
  for (const pattern of HOSTILE) {
    const reason = validateBlockedPattern(pattern);
    if (reason) refused.push({ pattern, reason });
    else accepted.push(pattern);
  }
  log(`patterns: ${refused.length} refused when saved, ${accepted.length} accepted; ${rate} hostile messages/s for ${seconds} s`);
  // 300 characters: the chat's longest message.
  const messages = ['a'.repeat(299) + 'c', ' '.repeat(299) + 'y', 'a'.repeat(150) + 'b'.repeat(149) + '!'];
  const settings: ModerationSettings = { blockedWords: [], blockedPatterns: accepted, blockedWordsAction: 'drop', profanity: 'off', linkPolicy: 'allow', classifier: null };
  const pipeline = createModerationPipeline(settings, { patternTimeoutMs: 50 });
  const outcomes: Record<string, number> = {};
  const moderator = { authorKey: 'u:bench', role: 'moderator' as const };
  const onda = await measure(rate, seconds, async (i) => {
    const r = await pipeline.check(messages[i % messages.length]!, moderator);
    const key = r.hits.join('+') || r.outcome;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  });
  log(`patterns: Onda (worker) event-loop p99 ${onda.p99Ms} ms, max ${onda.maxMs} ms`);

  // The previous design, for comparison: the same patterns plus the exponential one, in-loop with a 50 ms vm limit.
  const context = createContext({ input: { texts: [] as string[] } });
  new Script(`var patterns = ${JSON.stringify([...accepted, '(a|aa)+b'])}.map((p) => new RegExp(p, 'iu'));`).runInContext(context);
  const script = new Script('patterns.some((p) => input.texts.some((t) => p.test(t)))');
  const inLoopVm = await measure(rate, Math.min(seconds, 3), (i) => {
    (context as { input: { texts: string[] } }).input.texts = [messages[i % messages.length]!];
    try {
      script.runInContext(context, { timeout: 50 });
    } catch {
      // timed out: the old design held the message
    }
  });
  log(`patterns: in-loop vm (previous design) event-loop p99 ${inLoopVm.p99Ms} ms, max ${inLoopVm.maxMs} ms`);
  const result: PatternsResult = { refused, accepted, messages: rate * seconds, ratePerSecond: rate, onda: { ...onda, outcomes }, inLoopVm };
  await writePatternsResult(result, startedAt);
  return result;
}

/** bench/results/patterns.json, in the shared results format (README block generated from it). */
async function writePatternsResult(result: PatternsResult, startedAt: number): Promise<void> {
  await writeSuiteResults('patterns', {
    durationSeconds: (Date.now() - startedAt) / 1000,
    conditions: { hostilePatterns: HOSTILE, messages: result.messages, ratePerSecond: result.ratePerSecond },
    rows: patternsRows(result),
    details: result,
  });
}

export function patternsRows(r: PatternsResult): Row[] {
  const row = (metric: string, value: string, target = '', ok: boolean | null = null): Row => ({ bench: 'hostile patterns', metric, value, target, ok });
  return [
    row('refused when saved', `${r.refused.length} of ${r.refused.length + r.accepted.length}`),
    row(`Onda: event-loop p99 / max, ${r.ratePerSecond} hostile msg/s`, `${r.onda.p99Ms} / ${r.onda.maxMs} ms`, `p99 < ${PATTERNS_TARGET_P99_MS} ms`, r.onda.p99Ms < PATTERNS_TARGET_P99_MS),
    row('previous design (in-loop vm, 50 ms limit): event-loop p99 / max', `${r.inLoopVm.p99Ms} / ${r.inLoopVm.maxMs} ms`),
  ];
}
