import { CHAT_NAMESPACE } from '@onda/contracts';
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { io } from 'socket.io-client';
import { ChatRestClient, type ChatApi } from './chat-api';
import { ChatClient, type ChatSnapshot, type ChatSocket, type ChatSocketFactory } from './chat-client';
import { browserStore, type KeyValueStore } from './chat-storage';

/** What chat components need from outside: REST, the socket factory and storage (tests pass fakes). */
export interface ChatServices {
  api: ChatApi;
  connect: ChatSocketFactory;
  store: KeyValueStore;
}

/**
 * The real socket: same origin, session cookie for signed-in users, the server-issued device token for anonymous
 * ones (read at every connect, so a token issued on the first connection is sent on reconnects).
 */
export const connectChatSocket: ChatSocketFactory = (deviceId, deviceToken) =>
  io(`${window.location.origin}${CHAT_NAMESPACE}`, {
    withCredentials: true,
    auth: (cb: (auth: object) => void) => {
      const token = deviceToken?.();
      cb(token ? { deviceId, deviceToken: token } : { deviceId });
    },
    autoConnect: false,
  }) as unknown as ChatSocket;

let defaults: ChatServices | null = null;
function defaultServices(): ChatServices {
  defaults ??= { api: new ChatRestClient(), connect: connectChatSocket, store: browserStore() };
  return defaults;
}

/** Replaces the services used without a provider (the test setup makes them inert so no page test opens a socket). */
export function setDefaultChatServices(services: ChatServices): void {
  defaults = services;
}

const ChatServicesContext = createContext<ChatServices | null>(null);

/** Overrides the chat services below it; without a provider the real ones are used. */
export function ChatServicesProvider({ services, children }: { services: ChatServices; children: ReactNode }) {
  return <ChatServicesContext.Provider value={services}>{children}</ChatServicesContext.Provider>;
}

export function useChatServices(): ChatServices {
  return useContext(ChatServicesContext) ?? defaultServices();
}

/** One ChatClient per channel for as long as the component is mounted (null until the first effect). */
export function useChatClient(channel: string | null): ChatClient | null {
  const services = useChatServices();
  const [client, setClient] = useState<ChatClient | null>(null);
  useEffect(() => {
    if (!channel) return;
    const created = new ChatClient({ channel, connect: services.connect, store: services.store });
    created.start();
    setClient(created);
    return () => {
      created.stop();
      setClient(null);
    };
  }, [channel, services]);
  return client;
}

/** Re-renders on every change of the client's state. */
export function useChatSnapshot(client: ChatClient): ChatSnapshot {
  return useSyncExternalStore(client.subscribe, client.getSnapshot);
}
