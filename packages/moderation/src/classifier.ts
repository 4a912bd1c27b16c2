import type { ChatSettings } from '@onda/contracts';
import { outboundRequest, type OutboundOptions, type OutboundResult } from '@onda/outbound';
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

/** How the classifier is reached: the outbound guard (default) or a stand-in in tests. */
export type ClassifierTransport = (url: string, options: OutboundOptions) => Promise<OutboundResult>;

/**
 * POSTs `{text, channelId?, authorKey}` as JSON and expects `{action: 'deliver'|'mask'|'hold'|'drop', labels?: string[]}`.
 * The call goes through the outbound guard: a special-purpose address (loopback, private, ...) is refused unless
 * `allowPrivate` (the operator's opt-in), the socket connects to the address checked, no redirects, and the whole
 * exchange, body included, is bounded by `timeoutMs` and 64 KiB. Never throws.
 */
export async function callClassifier(
  settings: ClassifierSettings,
  request: ClassifierRequest,
  opts: { allowPrivate?: boolean; transport?: ClassifierTransport } = {},
): Promise<ClassifierReply> {
  const res = await (opts.transport ?? outboundRequest)(settings.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(request),
    allowPrivate: opts.allowPrivate === true,
    timeoutMs: settings.timeoutMs,
    connectTimeoutMs: settings.timeoutMs,
    maxResponseBytes: MAX_REPLY_BYTES,
  });
  if (!res.ok) {
    if (res.reason === 'timeout') return { status: 'timeout' };
    return { status: 'error', detail: res.reason === 'too_large' ? 'reply too large' : 'unreachable or not allowed' };
  }
  if (res.status < 200 || res.status >= 300) return { status: 'error', detail: `HTTP ${res.status}` };
  let body: unknown;
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    return { status: 'error', detail: 'reply is not JSON' };
  }
  const action = (body as { action?: unknown } | null)?.action;
  if (typeof action !== 'string' || !(OUTCOMES as readonly string[]).includes(action)) return { status: 'error', detail: 'reply has no valid action' };
  return { status: 'ok', action: action as ModerationOutcome, labels: cleanLabels((body as { labels?: unknown }).labels) };
}
