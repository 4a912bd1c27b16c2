import type { CommerceMoment } from '@onda/contracts';
import { CommerceCard } from './commerce-card';
import { useLiveMoments } from './use-commerce';
import './commerce.css';

/**
 * The live channel's cards: over the bottom of the player on a wide screen, under it on a phone (CSS). The newest
 * three; a drop first, since it is what viewers act on.
 */
export function CommerceOverlay({ channel, pushed }: { channel: string; pushed: readonly CommerceMoment[] }) {
  const moments = useLiveMoments(channel, pushed);
  if (!moments.length) return null;
  const ordered = [...moments].sort((a, b) => (a.kind === 'drop' ? 0 : 1) - (b.kind === 'drop' ? 0 : 1) || (b.shownAt ?? '').localeCompare(a.shownAt ?? '')).slice(0, 3);
  return (
    <div className="commerce-overlay" data-testid="commerce-overlay" aria-live="polite">
      {ordered.map((m) => (
        <CommerceCard key={m.id} moment={m} channel={channel} yourClaims={m.yourClaims} />
      ))}
    </div>
  );
}
