import type { CommerceMoment } from '@onda/contracts';
import { CommerceCard } from './commerce-card';
import { onScreen, useNotedClaims } from './use-commerce';
import './commerce.css';

/** The moments on screen, small, at the top of the chat (a phone's chat tab, the embed's chat). */
export function CommerceChatStrip({ channel, moments }: { channel: string; moments: readonly CommerceMoment[] }) {
  const claimed = useNotedClaims();
  const now = Date.now();
  const shown = moments.filter((m) => onScreen(m, now)).slice(-2);
  if (!shown.length) return null;
  return (
    <div className="commerce-chat" data-testid="commerce-chat">
      {shown.map((m) => (
        <CommerceCard key={m.id} moment={m} channel={channel} yourClaims={claimed[m.id] ?? 0} compact />
      ))}
    </div>
  );
}
