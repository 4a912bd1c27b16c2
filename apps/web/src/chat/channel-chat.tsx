import type { CommerceMoment } from '@onda/contracts';
import { useEffect, useRef } from 'react';
import { useChatClient } from './chat-context';
import { ChatPanel } from './chat-panel';

/**
 * A channel's chat with its own connection for as long as it is on screen. `onLive` is called when the
 * server pushes that a broadcast became playable (over this same socket, so a waiting viewer needs no poll).
 */
export function ChannelChat({ channel, className, onLive, onCommerce }: { channel: string; className?: string; onLive?: (sessionId: string) => void; onCommerce?: (moments: CommerceMoment[]) => void }) {
  const client = useChatClient(channel);
  const onLiveRef = useRef(onLive);
  onLiveRef.current = onLive;
  const onCommerceRef = useRef(onCommerce);
  onCommerceRef.current = onCommerce;
  useEffect(() => {
    if (!client) return;
    // Sponsor and commerce moments pushed over this socket go to the page (it shows them over the player).
    let last: CommerceMoment[] = [];
    const check = (): void => {
      const moments = client.getSnapshot().commerce;
      if (moments !== last) {
        last = moments;
        onCommerceRef.current?.(moments);
      }
    };
    check();
    return client.subscribe(check);
  }, [client]);
  useEffect(() => {
    if (!client) return;
    // Starts from null: a push that landed between the socket's start and this effect still counts.
    let seen: string | null = null;
    const check = (): void => {
      const id = client.getSnapshot().liveSessionId;
      if (id !== null && id !== seen) {
        seen = id;
        onLiveRef.current?.(id);
      }
    };
    check();
    return client.subscribe(check);
  }, [client]);
  if (!client) return <div className={`chat chat--placeholder ${className ?? ''}`} data-testid="chat-panel" data-status="connecting" />;
  return <ChatPanel key={client.channel} client={client} className={className} />;
}
