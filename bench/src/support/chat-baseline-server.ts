/**
 * The chat bench's baseline: a plain socket.io server speaking Onda's chat contract (namespace `/chat`,
 * `join`/`send` acknowledged, `frame` pushed) the way most socket.io chats are written: one `emit` to the
 * room per message, the moment it arrives. No tick, no batching, no moderation, no storage: whatever it
 * costs is socket.io fan-out itself. Run as its own process: `PORT=0 node chat-baseline-server.js`;
 * prints `listening <port>`.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import {
  CHAT_NAMESPACE,
  ChatJoinSchema,
  ChatSendSchema,
  type ChatAck,
  type ChatFrame,
  type ChatJoined,
  type ChatMessage,
  type ChatSent,
} from '@onda/contracts';

const channelIds = new Map<string, string>();
let nextId = 0;

const http = createServer((req, res) => {
  res.statusCode = req.url === '/readyz' ? 200 : 404;
  res.end();
});
const io = new Server(http, { serveClient: false });
const chat = io.of(CHAT_NAMESPACE);

type Ack<T> = ((ack: ChatAck<T>) => void) | undefined;
const invalid = (detail: string) => ({ ok: false as const, error: { code: 'validation_failed' as const, detail } });

chat.on('connection', (socket) => {
  let room: string | null = null;
  let nickname = '';
  socket.on('join', (payload: unknown, ack: Ack<ChatJoined>) => {
    const join = ChatJoinSchema.safeParse(payload);
    if (!join.success) return ack?.(invalid(join.error.message));
    room = join.data.channel;
    nickname = join.data.nickname ?? 'anonymous';
    let channelId = channelIds.get(room);
    if (!channelId) channelIds.set(room, (channelId = randomUUID()));
    void socket.join(room);
    ack?.({
      ok: true,
      data: {
        channelId,
        you: { key: `a:${socket.id}`, nickname, role: 'viewer', registered: false, canModerate: false, mutedUntil: null },
        history: [],
        pinned: null,
        poll: null,
        yourVote: null,
        mode: { slowModeSeconds: 0, registeredOnly: false },
        viewers: chat.adapter.rooms.get(room)?.size ?? 0,
      },
    });
  });
  socket.on('send', (payload: unknown, ack: Ack<ChatSent>) => {
    const send = ChatSendSchema.safeParse(payload);
    if (!send.success) return ack?.(invalid(send.error.message));
    if (!room) return ack?.({ ok: false, error: { code: 'forbidden', detail: 'join a channel first' } });
    const message: ChatMessage = {
      id: String(++nextId),
      channelId: channelIds.get(room)!,
      kind: 'message',
      author: { key: `a:${socket.id}`, nickname, role: 'viewer', registered: false },
      text: send.data.text,
      masked: false,
      createdAt: new Date().toISOString(),
    };
    // The one line this baseline is about: one frame per message per viewer, written now.
    const frame: ChatFrame = { items: [{ type: 'message', message }] };
    chat.to(room).emit('frame', frame);
    ack?.({ ok: true, data: { id: message.id, outcome: 'delivered' } });
  });
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(http.address() as AddressInfo).port}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void io.close();
    process.exit(0);
  });
}
