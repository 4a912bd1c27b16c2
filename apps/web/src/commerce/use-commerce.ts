import type { CommerceMoment, CommerceViewerMoment } from '@onda/contracts';
import { useEffect, useMemo, useState } from 'react';
import { ApiError } from '../api/client';
import { commerceClient } from './commerce-api';

/** A moment on a viewer's screen: what the server says, and what this viewer holds of it. */
export type ViewerMoment = CommerceMoment & { yourClaims: number };

/** Is it on screen at `now`: shown, and not past its display time (sponsor) — a drop past its window stays, marked over. */
export function onScreen(m: CommerceMoment, now: number): boolean {
  if (m.status !== 'shown') return false;
  if (m.kind === 'sponsor' && m.endsAt && Date.parse(m.endsAt) <= now) return false;
  return true;
}

/**
 * The moments shown on a channel now: read once over REST (with the viewer's own claims), then kept current by
 * what the chat socket pushes (`pushed`, the latest state of each moment shown, changed or hidden since).
 */
export function useLiveMoments(channel: string, pushed: readonly CommerceMoment[]): ViewerMoment[] {
  const [fetched, setFetched] = useState<CommerceViewerMoment[]>([]);
  const [claimed, setClaimed] = useState<Record<string, number>>({});
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const abort = new AbortController();
    commerceClient()
      .live(channel, abort.signal)
      .then(setFetched, () => undefined);
    return () => abort.abort();
  }, [channel]);
  const moments = useMemo(() => {
    const byId = new Map<string, ViewerMoment>(fetched.map((m) => [m.id, m]));
    for (const m of pushed) byId.set(m.id, { ...m, yourClaims: byId.get(m.id)?.yourClaims ?? 0 });
    return [...byId.values()].map((m) => ({ ...m, yourClaims: Math.max(m.yourClaims, claimed[m.id] ?? 0) }));
  }, [fetched, pushed, claimed]);
  // Sponsor cards leave after their display time, drops close after their window: look again each second while any is up.
  const ticking = moments.some((m) => m.status === 'shown' && m.endsAt);
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  useClaimListener(setClaimed);
  return moments.filter((m) => onScreen(m, now));
}

type ClaimSetter = (update: (prev: Record<string, number>) => Record<string, number>) => void;
const claimListeners = new Set<ClaimSetter>();
function useClaimListener(set: ClaimSetter): void {
  useEffect(() => {
    claimListeners.add(set);
    return () => void claimListeners.delete(set);
  }, [set]);
}
/** The units this page claimed, by moment (kept current by noteClaim). */
export function useNotedClaims(): Record<string, number> {
  const [claimed, setClaimed] = useState<Record<string, number>>({});
  useClaimListener(setClaimed);
  return claimed;
}

/** A claim went through: every card of that moment on the page shows it as claimed. */
export function noteClaim(momentId: string, units: number): void {
  for (const set of claimListeners) set((prev) => ({ ...prev, [momentId]: Math.max(prev[momentId] ?? 0, units) }));
}

const counted = new Set<string>();
/**
 * Counts this viewer's impression of a moment once per page (the server counts each viewer once anyway). A viewer
 * who just opened the page may not have the chat's device token yet (401): it tries again a few times meanwhile.
 */
export function countImpression(channel: string, momentId: string, attempt = 0): void {
  if (counted.has(momentId) && attempt === 0) return;
  counted.add(momentId);
  commerceClient()
    .event(channel, momentId, 'impression')
    .catch((caught: unknown) => {
      if (caught instanceof ApiError && caught.status === 401 && attempt < 10) setTimeout(() => countImpression(channel, momentId, attempt + 1), 1500);
      else counted.delete(momentId);
    });
}
