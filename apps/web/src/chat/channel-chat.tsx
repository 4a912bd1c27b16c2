import { useChatClient } from './chat-context';
import { ChatPanel } from './chat-panel';

/** A channel's chat with its own connection for as long as it is on screen. */
export function ChannelChat({ channel, className }: { channel: string; className?: string }) {
  const client = useChatClient(channel);
  if (!client) return <div className={`chat chat--placeholder ${className ?? ''}`} data-testid="chat-panel" data-status="connecting" />;
  return <ChatPanel key={client.channel} client={client} className={className} />;
}
