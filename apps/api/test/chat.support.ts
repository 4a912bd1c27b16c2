import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll } from 'vitest';
import type { ChatAck, ChatFrame, ChatItem, ChatJoined } from '@onda/contracts';
import { createTestDatabase, createUser, type PrismaClient, type TestDatabase } from '@onda/db';
import { createQueue } from '@onda/queue';
import { createStorage } from '@onda/storage';
import { startApi, type ApiOptions, type ChatFilter, type RunningApi } from '../src/index.js';
import { INTERNAL } from './harness.js';

/** Holds, masks or drops by marker words, so tests can drive every filter outcome. */
export const markerFilter: ChatFilter = {
  check: (text) => {
    if (text.includes('HOLDME')) return Promise.resolve({ outcome: 'hold', text, hits: ['test.hold'] });
    if (text.includes('DROPME')) return Promise.resolve({ outcome: 'drop', text, hits: ['test.drop', 'test.any'] });
    if (text.includes('MASKME')) return Promise.resolve({ outcome: 'mask', text: text.replace(/MASKME/g, '******'), hits: ['test.mask', 'test.any'] });
    return Promise.resolve({ outcome: 'deliver', text, hits: [] });
  },
};

// Tests open many anonymous connections from 127.0.0.1: a generous device-token allowance unless a test lowers it.
export const FAST_CHAT: NonNullable<ApiOptions['chat']> = { viewersIntervalMs: 150, persistIntervalMs: 100, tickMs: 60, maxTickMs: 120, deviceTokensPerIp: { limit: 100_000, windowMs: 60_000 } };

/** Ends a chat suite: closes its clients, then its API nodes, then drops its database (whatever of them started). */
export async function closeChatSuite(clients: readonly ChatTestClient[], nodes: ReadonlyArray<{ close(): Promise<void> } | undefined>, db: TestDatabase | undefined): Promise<void> {
  for (const c of clients) c.close();
  for (const node of nodes) await node?.close();
  await db?.drop();
}

/** A real API on the given database, with chat options and the marker filter (null: the real moderation pipeline). */
export async function startChatApi(db: TestDatabase, options: Partial<ApiOptions> = {}, filter: ChatFilter | null = markerFilter): Promise<{ sut: RunningApi; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'onda-chat-'));
  const queue = createQueue({});
  const sut = await startApi(
    {
      prisma: db.prisma,
      queue,
      storage: createStorage({ localDir: dir }),
      ...(filter ? { chatFilter: filter } : {}),
      options: { publicUrl: 'http://onda.test', rtmpPublicUrl: 'rtmp://onda.test/live', internalToken: INTERNAL, secret: 'x'.repeat(40), ...options, chat: { ...FAST_CHAT, ...options.chat } },
    },
    { host: '127.0.0.1', port: 0, logLevel: 'error' },
  );
  return {
    sut,
    close: async () => {
      await sut.close();
      await queue.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type ChatNode = Awaited<ReturnType<typeof startChatApi>>;

/** Two API nodes of one installation (see twoChatNodes); the fields are set once the suite has started. */
export interface TwoChatNodes {
  db: TestDatabase;
  nodeA: ChatNode;
  nodeB: ChatNode;
  /** An admin with every scope, who owns the channels the tests create. */
  owner: { id: string; token: string };
  /** Clients closed with the suite. */
  clients: ChatTestClient[];
  auth(): { Authorization: string };
  /** A client of `node` (connected with `handshake`) joined to channel `slug` as `nickname`, closed with the suite. */
  join(node: ChatNode, slug: string, nickname: string, handshake?: Parameters<typeof ChatTestClient.connect>[1]): Promise<{ c: ChatTestClient; joined: ChatJoined }>;
}

/**
 * Two API nodes on a fresh database and the shared Redis (REDIS_URL), started before the enclosing describe's tests
 * and closed after them: one Redis prefix for both (they are one installation), unique per run so parallel test
 * files never meet. `chat` tunes both nodes; `filter` as in startChatApi (null: the real moderation pipeline).
 */
export function twoChatNodes(chat: NonNullable<ApiOptions['chat']> = {}, filter: ChatFilter | null = markerFilter): TwoChatNodes {
  const clients: ChatTestClient[] = [];
  const suite = {
    clients,
    auth: () => ({ Authorization: `Bearer ${suite.owner.token}` }),
    join: async (node, slug, nickname, handshake = {}) => {
      const c = await ChatTestClient.connect(node.sut.url, handshake);
      clients.push(c);
      const joined = await c.ok<ChatJoined>('join', { channel: slug, nickname });
      return { c, joined };
    },
  } as TwoChatNodes;
  beforeAll(async () => {
    suite.db = await createTestDatabase();
    const options = { redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', queuePrefix: `onda-test-${randomBytes(4).toString('hex')}`, chat };
    suite.nodeA = await startChatApi(suite.db, options, filter);
    suite.nodeB = await startChatApi(suite.db, options, filter);
    suite.owner = await userWithToken(suite.db.prisma, 'admin', ['*'], 'Owner');
  });
  afterAll(() => closeChatSuite(clients, [suite.nodeA, suite.nodeB], suite.db));
  return suite;
}

/** A user with an API token of the given scopes; `operator` makes the platform operator. */
export async function userWithToken(prisma: PrismaClient, role: 'admin' | 'moderator' | 'viewer', scopes: string[], displayName?: string, operator = false): Promise<{ id: string; token: string }> {
  const user = await createUser(prisma, { role, operator, ...(displayName ? { displayName } : {}) });
  const token = `onda_${randomBytes(24).toString('base64url')}`;
  await prisma.apiToken.create({ data: { userId: user.id, name: 't', tokenHash: createHash('sha256').update(token).digest('hex'), prefix: token.slice(0, 8), scopes } });
  return { id: user.id, token };
}

/** A socket.io client of `/chat` that records every frame item and viewer count. */
export class ChatTestClient {
  readonly frames: ChatFrame[] = [];
  readonly viewers: number[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: Socket) {
    socket.on('frame', (frame: ChatFrame) => {
      this.frames.push(frame);
      this.wake();
    });
    socket.on('viewers', (v: { count: number }) => {
      this.viewers.push(v.count);
      this.wake();
    });
  }

  static async connect(url: string, auth: { deviceId?: string; deviceToken?: string; token?: string; cookie?: string; origin?: string; localAddress?: string; forwardedFor?: string } = {}): Promise<ChatTestClient> {
    // `localAddress`: connect from another loopback address (127.0.0.2, ...) to play a chatter on another network.
    // `forwardedFor`: the X-Forwarded-For a reverse proxy in front would add.
    const { cookie, origin, localAddress, forwardedFor, ...handshake } = auth;
    const socket = io(`${url}/chat`, {
      transports: ['websocket'],
      auth: { deviceId: randomBytes(16).toString('hex'), ...handshake },
      reconnection: false,
      forceNew: true,
      ...(localAddress ? { localAddress } : {}),
      ...(cookie || origin || forwardedFor ? { extraHeaders: { ...(cookie ? { cookie } : {}), ...(origin ? { origin } : {}), ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) } } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (e) => reject(Object.assign(new Error(e.message), { data: (e as { data?: unknown }).data })));
    });
    return new ChatTestClient(socket);
  }

  get items(): ChatItem[] {
    return this.frames.flatMap((f) => f.items);
  }

  messages(): string[] {
    return this.items.flatMap((i) => (i.type === 'message' ? [i.message.text] : []));
  }

  emit<T = unknown>(event: string, payload?: unknown): Promise<ChatAck<T>> {
    return this.socket.timeout(10_000).emitWithAck(event, payload) as Promise<ChatAck<T>>;
  }

  async ok<T = unknown>(event: string, payload?: unknown): Promise<T> {
    const ack = await this.emit<T>(event, payload);
    if (!ack.ok) throw new Error(`${event} failed: ${ack.error.code} ${ack.error.detail}`);
    return ack.data;
  }

  /** Resolves once the recorded items (or viewer counts) satisfy `check`; the test timeout bounds the wait. */
  async until<T>(check: () => T | undefined | false): Promise<T> {
    for (;;) {
      const value = check();
      if (value) return value;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  untilItem<K extends ChatItem['type']>(type: K, match: (item: Extract<ChatItem, { type: K }>) => boolean = () => true): Promise<Extract<ChatItem, { type: K }>> {
    return this.until(() => this.items.find((i): i is Extract<ChatItem, { type: K }> => i.type === type && match(i as Extract<ChatItem, { type: K }>)));
  }

  close(): void {
    this.socket.disconnect();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
