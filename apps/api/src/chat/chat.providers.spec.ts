import 'reflect-metadata';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthRepository } from '../auth/auth.repository.js';
import { API_METRICS, createApiMetrics } from '../common/metrics.js';
import { API_OPTIONS, PRISMA, type ApiOptions } from '../common/tokens.js';
import { StatsService } from '../stats/stats.service.js';
import { chatProviders } from './chat.providers.js';
import { CHAT_STORE } from './chat.tokens.js';
import { ChatModerationService } from './domain/chat-moderation.service.js';
import { ChatRoomsService } from './domain/chat-rooms.service.js';
import { ChatService } from './domain/chat.service.js';
import type { MessageInsert } from './persistence/chat.repository.js';
import { ChatWriter } from './persistence/chat.writer.js';
import { ChatFanout } from './transport/chat.fanout.js';
import { messageRow } from '../../test/chat-rows.js';

describe('chatProviders', () => {
  let app: INestApplicationContext | null = null;
  const written: MessageInsert[] = [];

  /** The chat's providers in embedded mode (no Redis), PostgreSQL replaced by a recorder of chat message inserts. */
  const start = async (): Promise<INestApplicationContext> => {
    const prisma = {
      chatMessage: {
        createMany: ({ data }: { data: MessageInsert[] }) => {
          written.push(...data.map((r) => ({ ...r })));
          return Promise.resolve({ count: data.length });
        },
      },
    };
    // Only what the chat's constructors read (the identity service: the secret and the public URL).
    const options = { secret: 's'.repeat(32), publicUrl: 'http://localhost' } as unknown as ApiOptions;
    @Module({
      providers: [
        ...chatProviders(options),
        { provide: PRISMA, useValue: prisma },
        { provide: API_OPTIONS, useValue: options },
        { provide: API_METRICS, useValue: createApiMetrics() },
        AuthRepository,
        { provide: StatsService, useValue: {} },
      ],
    })
    class ChatOnly {}
    app = await NestFactory.createApplicationContext(ChatOnly, { logger: false });
    return app;
  };

  afterEach(async () => {
    await app?.close();
    app = null;
    written.length = 0;
  });

  it('gives every service the one fan-out, writer and store of the process', async () => {
    const ctx = await start();
    const fields = (service: object) => service as Record<string, unknown>;
    for (const service of [ctx.get(ChatService), ctx.get(ChatModerationService)]) {
      expect(fields(service).fanout).toBe(ctx.get(ChatFanout));
      expect(fields(service).writer).toBe(ctx.get(ChatWriter));
      expect(fields(service).store).toBe(ctx.get(CHAT_STORE));
    }
    expect(fields(ctx.get(ChatRoomsService)).writer).toBe(ctx.get(ChatWriter));
  });

  it('links the writer to the fan-out: a flush request writes the pending batch', async () => {
    const ctx = await start();
    ctx.get(ChatWriter).addMessage(messageRow('m1'));
    expect(written).toEqual([]);
    await ctx.get(ChatFanout).flushEverywhere();
    expect(written.map((r) => r.id)).toEqual(['m1']);
  });

  it('links the writer to the fan-out: a delete or purge published before the batch is written marks the waiting rows', async () => {
    const ctx = await start();
    const writer = ctx.get(ChatWriter);
    writer.addMessage(messageRow('m1'));
    writer.addMessage(messageRow('m2', { authorKey: 'a:spammer' }));
    writer.addMessage(messageRow('m3'));
    const fanout = ctx.get(ChatFanout);
    fanout.publish('c1', [{ type: 'delete', messageIds: ['m1'] }]);
    fanout.publish('c1', [{ type: 'purge', authorKey: 'a:spammer' }]);
    await writer.flush();
    expect(written.map((r) => [r.id, r.deletedAt instanceof Date])).toEqual([
      ['m1', true],
      ['m2', true],
      ['m3', false],
    ]);
  });
});
