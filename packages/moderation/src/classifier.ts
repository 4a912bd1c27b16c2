import type { ChatSettings } from '@onda/contracts';
import type { ModerationOutcome } from './outcome.js';
import { OUTCOMES } from './outcome.js';

/** The per-channel classifier setting: where to POST, how long to wait, what to do when it does not answer. */
export type ClassifierSettings = NonNullable<ChatSettings['classifier']>;

/** The JSON body POSTed to the classifier. */
export interface ClassifierRequest {
  text: string;
  channelId?: string;
  authorKey: string;
}

/** What came back: a verdict, or why there is none. */
export type ClassifierReply =
  | { status: 'ok'; action: ModerationOutcome; labels: string[] }
  | { status: 'timeout' }
  | { status: 'error'; detail: string };

const MAX_REPLY_BYTES = 64 * 1024;
const MAX_LABELS = 5;

/** Keeps labels usable as hit names (`classifier:<label>`) and statistics keys. */
function cleanLabels(labels: unknown): string[] {
  if (!Array.isArray(labels)) return [];
  return labels
    .filter((l): l is string => typeof l === 'string')
    .map((l) => l.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40))
    .filter(Boolean)
    .slice(0, MAX_LABELS);
}

/**
 * POSTs `{text, channelId?, authorKey}` as JSON and expects `{action: 'deliver'|'mask'|'hold'|'drop', labels?: string[]}`.
 * The whole exchange, body included, is bounded by `timeoutMs` (AbortSignal.timeout). Never throws.
 */
export async function callClassifier(settings: ClassifierSettings, request: ClassifierRequest, fetchImpl: typeof fetch = fetch): Promise<ClassifierReply> {
  try {
    const res = await fetchImpl(settings.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(settings.timeoutMs),
      redirect: 'error',
    });
    const raw = await res.text();
    if (!res.ok) return { status: 'error', detail: `HTTP ${res.status}` };
    if (raw.length > MAX_REPLY_BYTES) return { status: 'error', detail: 'reply too large' };
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return { status: 'error', detail: 'reply is not JSON' };
    }
    const action = (body as { action?: unknown } | null)?.action;
    if (typeof action !== 'string' || !(OUTCOMES as readonly string[]).includes(action)) return { status: 'error', detail: 'reply has no valid action' };
    return { status: 'ok', action: action as ModerationOutcome, labels: cleanLabels((body as { labels?: unknown }).labels) };
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { status: 'timeout' };
    return { status: 'error', detail: (err as Error).message || String(err) };
  }
}
