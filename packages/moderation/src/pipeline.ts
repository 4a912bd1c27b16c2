import type { ChatRole } from '@onda/contracts';
import { compileBlockedWords } from './blocked-words.js';
import { callClassifier, type ClassifierTransport } from './classifier.js';
import { DEFAULT_REPEAT_RULE, fingerprint, isRepetitive, type RepeatRule } from './flood.js';
import { containsLink, foldForLinks } from './links.js';
import { maskSpans, type Span } from './mask.js';
import { normalise, skeletonOf, type NormalisedText } from './normalise.js';
import { strictest, type ModerationOutcome } from './outcome.js';
import { BlockedPatterns } from './patterns.js';
import { findProfanity } from './profanity.js';
import type { RecentMessage, RecentMessages } from './recent.js';
import type { ModerationSettings, SettingsIssue } from './settings.js';

/** Who sent the message. `recent` is the per-author memory for duplicate and flood checks (skipped without it). */
export interface ModerationContext {
  authorKey: string;
  role: ChatRole;
  recent?: RecentMessages;
}

/** The pipeline's verdict. `text` is what to deliver if the message is delivered (now, or after review): masked where a rule masks. */
export interface ModerationResult {
  outcome: ModerationOutcome;
  text: string;
  /** Rule names that fired, in pipeline order, without repeats: `profanity:ko`, `link`, `classifier:hate`... */
  hits: string[];
}

export interface ModerationPipeline {
  check(text: string, ctx: ModerationContext): Promise<ModerationResult>;
  /** Settings entries that could not be used (invalid or unsafe patterns, empty words); the rest still apply. */
  readonly issues: readonly SettingsIssue[];
}

export interface ModerationOptions {
  /** Sent to the classifier and used to keep authors of different channels apart in a shared RecentMessages. */
  channelId?: string;
  /** Same normalised text from the same author within this window is a duplicate (default 30 s). */
  duplicateWindowMs?: number;
  /** More than maxMessages within windowMs from one author is a flood (default 8 in 10 s). */
  flood?: { maxMessages: number; windowMs: number };
  /** Messages that are mostly the same few characters (default: 30+ visible, at most 15% distinct). */
  repeat?: RepeatRule;
  /** Time budget per message of the worker thread that runs the riskier blocked patterns (default 50 ms). */
  patternTimeoutMs?: number;
  /** Lets the classifier reach loopback/private addresses (the operator's opt-in; off by default). */
  allowPrivate?: boolean;
  /** How the classifier is reached (tests); defaults to the outbound guard. */
  transport?: ClassifierTransport;
  now?: () => number;
}

/** One step of the pipeline: a verdict with hit names, optionally spans of the original text to mask. */
export interface FilterVerdict {
  outcome: ModerationOutcome;
  hits: string[];
  masks?: Span[];
}

interface FilterInput {
  text: string;
  ctx: ModerationContext;
  /** Moderators, owners and admins: exempt from the behaviour rules (links, flood, duplicates), not from content rules. */
  privileged: boolean;
  normalised: NormalisedText;
  /** The text with compatibility forms, invisible characters and disguised dots folded (computed once, on demand). */
  folded(): string;
  now: number;
  /** The strictest outcome so far (the classifier is skipped once a message is dropped anyway). */
  sofar: ModerationOutcome;
}

interface Filter {
  name: string;
  run(input: FilterInput): FilterVerdict | null | Promise<FilterVerdict | null>;
}

const PRIVILEGED: ReadonlySet<ChatRole> = new Set(['moderator', 'owner', 'admin']);

/**
 * Builds the ordered filter pipeline of one channel's settings: built-in profanity, blocked words, blocked
 * patterns, links, repeated characters, duplicates and flood, then the external classifier. Every filter runs
 * (so statistics see every rule that fired) except the classifier once the message is dropped anyway; the
 * strictest outcome wins (drop > hold > mask > deliver). Rebuild it when the settings change.
 */
export function createModerationPipeline(settings: ModerationSettings, options: ModerationOptions = {}): ModerationPipeline {
  const now = options.now ?? Date.now;
  const issues: SettingsIssue[] = [];
  const filters: Filter[] = [];

  if (settings.profanity !== 'off') {
    const action = settings.profanity;
    filters.push({
      name: 'profanity',
      run: ({ normalised }) => {
        const found = findProfanity(normalised);
        return found.length ? { outcome: action, hits: found.map((m) => m.term.hit), masks: found } : null;
      },
    });
  }

  if (settings.blockedWords.length) {
    const { matcher, rejected } = compileBlockedWords(settings.blockedWords);
    for (const r of rejected) issues.push({ path: ['blockedWords', r.index], message: `blocked word "${r.word}" ${r.error}` });
    const action = settings.blockedWordsAction;
    filters.push({
      name: 'blocked-words',
      run: ({ normalised }) => {
        const found = matcher.find(normalised);
        return found.length ? { outcome: action, hits: ['blocked-word'], masks: found } : null;
      },
    });
  }

  if (settings.blockedPatterns.length) {
    const patterns = new BlockedPatterns(settings.blockedPatterns, options.patternTimeoutMs);
    for (const r of patterns.rejected) issues.push({ path: ['blockedPatterns', r.index], message: `blocked pattern /${r.pattern}/: ${r.error}` });
    if (patterns.size) {
      filters.push({
        name: 'blocked-patterns',
        run: async ({ text, folded }) => {
          const verdict = await patterns.test([text, folded()]);
          if (verdict === 'match') return { outcome: 'drop', hits: ['blocked-pattern'] };
          // A pattern that ran out of time on this input is a hostile or pathological message: let a human look.
          if (verdict === 'timeout') return { outcome: 'hold', hits: ['blocked-pattern:timeout'] };
          return null;
        },
      });
    }
  }

  if (settings.linkPolicy !== 'allow') {
    const outcome: ModerationOutcome = settings.linkPolicy === 'block' ? 'drop' : 'hold';
    filters.push({ name: 'links', run: ({ privileged, folded }) => (!privileged && containsLink(folded(), true) ? { outcome, hits: ['link'] } : null) });
  }

  const repeat = options.repeat ?? DEFAULT_REPEAT_RULE;
  filters.push({ name: 'repeat', run: ({ text, privileged }) => (!privileged && isRepetitive(text, repeat) ? { outcome: 'drop', hits: ['flood:repeat'] } : null) });

  const duplicateWindowMs = options.duplicateWindowMs ?? 30_000;
  const flood = options.flood ?? { maxMessages: 8, windowMs: 10_000 };
  filters.push({
    name: 'recent',
    run: ({ text, ctx, privileged, normalised, now: at }) => {
      if (privileged || !ctx.recent) return null;
      const key = options.channelId ? `${options.channelId}:${ctx.authorKey}` : ctx.authorKey;
      const print = fingerprint(skeletonOf(normalised), text);
      const judge = (earlier: RecentMessage[]): FilterVerdict | null => {
        const hits: string[] = [];
        if (earlier.some((m) => m.fingerprint === print && m.at >= at - duplicateWindowMs)) hits.push('duplicate');
        if (earlier.filter((m) => m.at >= at - flood.windowMs).length + 1 > flood.maxMessages) hits.push('flood');
        return hits.length ? { outcome: 'drop', hits } : null;
      };
      const earlier = ctx.recent.remember(key, { fingerprint: print, at }, Math.max(duplicateWindowMs, flood.windowMs));
      return earlier instanceof Promise ? earlier.then(judge) : judge(earlier);
    },
  });

  const classifier = settings.classifier;
  if (classifier) {
    filters.push({
      name: 'classifier',
      run: async ({ text, ctx, privileged, sofar }) => {
        if (sofar === 'drop') return null;
        const request = { text, authorKey: ctx.authorKey, ...(options.channelId ? { channelId: options.channelId } : {}) };
        const reply = await callClassifier(classifier, request, { allowPrivate: options.allowPrivate === true, ...(options.transport ? { transport: options.transport } : {}) });
        if (reply.status === 'ok') {
          if (reply.action === 'deliver') return null;
          const hits = ['classifier', ...reply.labels.map((l) => `classifier:${l}`)];
          // The classifier names no words, so its "mask" masks the whole message.
          return { outcome: reply.action, hits, masks: reply.action === 'mask' ? [{ start: 0, end: text.length }] : [] };
        }
        const hits = [reply.status === 'timeout' ? 'classifier:timeout' : 'classifier:error', 'classifier:unavailable'];
        // Fail closed holds viewers' messages; the channel's own staff are never held because a service is down.
        return { outcome: classifier.failMode === 'closed' && !privileged ? 'hold' : 'deliver', hits };
      },
    });
  }

  return {
    issues,
    async check(text: string, ctx: ModerationContext): Promise<ModerationResult> {
      let folded: string | undefined;
      const input: FilterInput = {
        text,
        ctx,
        privileged: PRIVILEGED.has(ctx.role),
        normalised: normalise(text),
        folded: () => (folded ??= foldForLinks(text)),
        now: now(),
        sofar: 'deliver',
      };
      const hits = new Set<string>();
      const masks: Span[] = [];
      for (const filter of filters) {
        const pending = filter.run(input);
        // Most filters are synchronous: await only real promises (one microtask less per filter per message).
        const verdict = pending instanceof Promise ? await pending : pending;
        if (!verdict) continue;
        input.sofar = strictest(input.sofar, verdict.outcome);
        for (const h of verdict.hits) hits.add(h);
        if (verdict.masks) masks.push(...verdict.masks);
      }
      return { outcome: input.sofar, text: masks.length ? maskSpans(text, masks) : text, hits: [...hits] };
    },
  };
}
