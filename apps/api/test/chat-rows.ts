import type { MessageInsert } from '../src/chat/persistence/chat.repository.js';

/** A delivered anonymous viewer's chat message row for the writer (its text is its id), with `over` on top. */
export const messageRow = (id: string, over: Partial<MessageInsert> = {}): MessageInsert => ({
  id,
  channelId: 'c1',
  liveSessionId: null,
  authorKey: 'a:x',
  kind: 'message',
  nickname: 'n',
  role: 'viewer',
  registered: false,
  text: id,
  masked: false,
  outcome: 'delivered',
  hits: [],
  createdAt: new Date(0),
  ...over,
});
