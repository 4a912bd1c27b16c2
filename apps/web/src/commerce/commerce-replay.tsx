import type { CommerceMarker } from '@onda/contracts';
import { useEffect, useState } from 'react';
import { commerceClient } from './commerce-api';
import { CommerceCard } from './commerce-card';
import './commerce.css';

/** What a replay's clock offers: the playhead in seconds, and a way to hear it move. */
export interface ReplayClock {
  get(): number;
  subscribe(listener: (seconds: number) => void): () => void;
}

/** The markers on screen at `seconds`: from when each was shown until it was hidden or ran out (or the end). */
export function markersAt(markers: readonly CommerceMarker[], seconds: number): CommerceMarker[] {
  return markers.filter((m) => seconds >= m.atSeconds && (m.untilSeconds === null || seconds < m.untilSeconds));
}

/**
 * A recording's moments, over the VOD player at the times they were on screen during the broadcast (the same cards,
 * read-only: a replay counts nothing and claims nothing).
 */
export function CommerceReplay({ vodId, clock }: { vodId: string; clock: ReplayClock }) {
  const [markers, setMarkers] = useState<CommerceMarker[]>([]);
  const [seconds, setSeconds] = useState(() => clock.get());
  useEffect(() => {
    const abort = new AbortController();
    commerceClient()
      .vodMarkers(vodId, abort.signal)
      .then(setMarkers, () => undefined);
    return () => abort.abort();
  }, [vodId]);
  useEffect(() => clock.subscribe((s) => setSeconds(Math.floor(s))), [clock]);
  const shown = markersAt(markers, seconds).slice(-3);
  if (!shown.length) return null;
  return (
    <div className="commerce-overlay" data-testid="commerce-replay">
      {shown.map((m) => (
        <CommerceCard key={m.moment.id} moment={m.moment} channel={null} />
      ))}
    </div>
  );
}
