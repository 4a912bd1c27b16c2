import { Inject, Injectable, Logger } from '@nestjs/common';
import { API_OPTIONS, type ApiOptions } from '../common/tokens.js';
import { isSourceObject, PlaybackSigner } from './playback-signer.js';
import { PlaybackRepository } from './playback.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** How long a session's or VOD's visibility is used without asking the database again. */
const CACHE_MS = 5000;
/** How long a request waits for that question before the last answer is used (the database is slow or away). */
const LOOKUP_WAIT_MS = 1000;
/** A lookup still pending after this long is not waited for again (a partition can hold it past any timeout): a new one is asked. */
const LOOKUP_STUCK_MS = 10_000;

/**
 * `pending`'s value, or null when it fails or has not settled within `ms`. The deadline's timer is cleared as soon as
 * `pending` settles, so no timer outlives the lookup (a busy media route would otherwise keep thousands of them).
 */
function settledWithin<T>(pending: Promise<T>, ms: number): Promise<{ v: T } | null> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => resolve(null), ms);
    const settle = (answer: { v: T } | null) => {
      clearTimeout(deadline);
      resolve(answer);
    };
    pending.then(
      (v) => settle({ v }),
      () => settle(null),
    );
  });
}

interface Entry {
  visibility: string | null;
  at: number;
  /** The database lookup under way for this entry (one at a time, whoever asks). */
  lookup?: { pending: Promise<string | null>; started: number };
}

/**
 * Decides whether the media route may serve an object: objects of private channels' sessions
 * (`live/<session>/...`), VODs (`vod/<id>/...`) and clips (`clip/<id>/...`, hidden ones too) only with a valid signature, a VOD's source
 * files (upload, joined recording, archive chunks) never without a download signature, whatever the channel,
 * and objects of a session or VOD the database does not know (a deleted channel's leftovers) never unsigned. Visibility
 * is cached a few seconds per session or VOD, since hls.js fetches a playlist or segment every second
 * or two per viewer. When the database cannot answer (down, partitioned, slower than LOOKUP_WAIT_MS) the last
 * answer stands (stale-if-error): viewers of a running public broadcast keep playing through a PostgreSQL
 * outage, and nothing that needs the database to change (visibility, deletion) can have changed meanwhile. Only
 * an id this node never looked up needs the database, and gets its 503.
 */
@Injectable()
export class MediaAccessService {
  private readonly signer: PlaybackSigner;
  private readonly cache = new Map<string, Entry>();
  private readonly logger = new Logger('MediaAccess');

  constructor(
    private readonly repo: PlaybackRepository,
    @Inject(API_OPTIONS) options: ApiOptions,
  ) {
    this.signer = new PlaybackSigner(options.secret);
  }

  verifySigned(token: string, key: string, name = ''): boolean {
    return this.signer.verify(token, key, undefined, name);
  }

  async unsignedAllowed(key: string): Promise<boolean> {
    const [kind, id] = key.split('/');
    if ((kind !== 'live' && kind !== 'vod' && kind !== 'clip') || !id || !UUID.test(id)) return true;
    if (isSourceObject(key)) return false;
    const visibility = await this.visibility(kind, id);
    // Unknown id (finding 5): the channel is gone or the id was made up; neither is public.
    return visibility !== null && visibility !== 'private';
  }

  private async visibility(kind: 'live' | 'vod' | 'clip', id: string): Promise<string | null> {
    const cacheKey = `${kind}/${id}`;
    const entry = this.cache.get(cacheKey);
    if (entry && Date.now() - entry.at <= CACHE_MS) return entry.visibility;
    // Never looked up here: nothing to fall back on, the database's answer (or its error, a 503) it is.
    if (!entry) return this.lookup(kind, id, cacheKey);
    if (!entry.lookup || Date.now() - entry.lookup.started > LOOKUP_STUCK_MS) entry.lookup = { pending: this.lookup(kind, id, cacheKey), started: Date.now() };
    const answer = await settledWithin(entry.lookup.pending, LOOKUP_WAIT_MS);
    if (answer) return answer.v;
    // The database did not answer in time: the last answer stands for another period (the lookup may still land).
    entry.at = Date.now();
    return entry.visibility;
  }

  private lookup(kind: 'live' | 'vod' | 'clip', id: string, cacheKey: string): Promise<string | null> {
    const started = Date.now();
    const pending = (kind === 'live' ? this.repo.sessionVisibility(id) : kind === 'vod' ? this.repo.vodVisibility(id) : this.repo.clipVisibility(id)).then(
      (visibility) => {
        if (this.cache.size > 10_000) this.cache.clear();
        this.cache.set(cacheKey, { visibility, at: started });
        return visibility;
      },
      (error: unknown) => {
        const entry = this.cache.get(cacheKey);
        if (entry?.lookup?.pending === pending) delete entry.lookup;
        if (entry) this.logger.warn(`visibility of ${cacheKey} unavailable (${(error as Error).message}); the last answer stands`);
        throw error;
      },
    );
    return pending;
  }
}
