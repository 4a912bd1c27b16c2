import type { ApiToken, Channel, CreateApiToken, CreateChannel, CreatedApiToken, CreatedWebhook, CreateWebhook, LiveSessionDetail, Me, Moderator, StreamKey, UpdateChannel, UpdateVod, Vod, VodUploadTicket, Webhook, WebhookDelivery } from '@onda/contracts';
import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { ApiError, type Page } from '../api/client';
import type { ConsoleApi, CreateVodUploadBody, VodQuery } from '../api/console-client';
import { AppProviders, AppRoutes } from '../app';
import { createI18n, type Language } from '../i18n/i18n';
import { FakeViewerApi, makeChannel, makeVod } from '../test/fixtures';

/** An in-memory ConsoleApi for component tests: one admin, channels by slug, a counter-based key. */
export class FakeConsoleApi extends FakeViewerApi implements ConsoleApi {
  signedIn = true;
  needsSetup = false;
  keys = new Map<string, StreamKey>();
  /** Moderators by channel slug; `users` are the accounts addModerator can find by email. */
  moderators = new Map<string, Moderator[]>();
  users = new Map<string, string>([['mod@example.com', '00000000-0000-4000-8000-0000000000dd']]);
  calls: string[] = [];
  /** Failures to answer at each upload step (413/415 problems in the tests). */
  uploadFailures: { create?: Error; put?: Error; complete?: Error } = {};
  private keySerial = 0;

  async setupNeeded(): Promise<boolean> {
    return this.needsSetup;
  }
  async setup(): Promise<void> {
    this.needsSetup = false;
    this.signedIn = true;
  }
  async signIn(email: string, password: string): Promise<void> {
    this.calls.push(`signIn ${email}`);
    if (password !== 'correct horse battery') throw new ApiError('unauthenticated', 401, 'wrong');
    this.signedIn = true;
  }
  async signOut(): Promise<void> {
    this.signedIn = false;
  }
  async me(): Promise<Me> {
    if (!this.signedIn) throw new ApiError('unauthenticated', 401, 'sign in');
    return { id: '00000000-0000-4000-8000-0000000000aa', email: 'admin@example.com', displayName: 'Admin', role: 'admin', scopes: ['*'], via: 'session' };
  }
  async listMyChannels(): Promise<Page<Channel>> {
    return { items: [...this.channels.values()], nextCursor: null };
  }
  async createChannel(body: CreateChannel): Promise<Channel> {
    this.calls.push(`createChannel ${JSON.stringify(body)}`);
    const channel = makeChannel({ ...body, description: body.description ?? '' });
    this.channels.set(channel.slug, channel);
    return channel;
  }
  async updateChannel(slug: string, body: UpdateChannel): Promise<Channel> {
    const channel = { ...(await this.getChannel(slug)), ...body };
    this.channels.set(slug, channel);
    return channel;
  }
  async getStreamKey(slug: string): Promise<StreamKey> {
    await this.getChannel(slug);
    if (!this.keys.has(slug)) this.keys.set(slug, this.newKey());
    return this.keys.get(slug)!;
  }
  async rotateStreamKey(slug: string): Promise<StreamKey> {
    this.calls.push(`rotate ${slug}`);
    const key = this.newKey();
    this.keys.set(slug, key);
    return key;
  }
  async revokeStreamKey(slug: string): Promise<void> {
    this.calls.push(`revoke ${slug}`);
    this.keys.set(slug, { ...(await this.getStreamKey(slug)), streamKey: null });
  }
  async deleteChannel(slug: string): Promise<void> {
    this.calls.push(`deleteChannel ${slug}`);
    // What the API answers while a broadcast runs (ChannelsService.remove).
    if ((await this.getChannel(slug)).status === 'live') throw new ApiError('conflict', 409, 'The channel is live; end its session first');
    this.channels.delete(slug);
  }
  async listModerators(slug: string): Promise<Moderator[]> {
    await this.getChannel(slug);
    return this.moderators.get(slug) ?? [];
  }
  async addModerator(slug: string, email: string): Promise<Moderator> {
    this.calls.push(`addModerator ${slug} ${email}`);
    const userId = this.users.get(email);
    if (!userId) throw new ApiError('not_found', 404, `No user with the email ${email}`);
    const moderator = { userId, email, displayName: email.split('@')[0]!, createdAt: '2026-01-01T00:00:00.000Z' };
    this.moderators.set(slug, [...(this.moderators.get(slug) ?? []).filter((m) => m.userId !== userId), moderator]);
    return moderator;
  }
  async removeModerator(slug: string, userId: string): Promise<void> {
    this.calls.push(`removeModerator ${slug} ${userId}`);
    this.moderators.set(slug, (this.moderators.get(slug) ?? []).filter((m) => m.userId !== userId));
  }
  async listLiveSessions(): Promise<Page<LiveSessionDetail>> {
    return { items: [], nextCursor: null };
  }
  async listTokens(): Promise<ApiToken[]> {
    return [];
  }
  async createToken(body: CreateApiToken): Promise<CreatedApiToken> {
    return { id: '00000000-0000-4000-8000-0000000000bb', name: body.name, prefix: 'onda_abc', scopes: body.scopes, createdAt: new Date().toISOString(), lastUsedAt: null, expiresAt: null, revokedAt: null, token: 'onda_abc_secret' };
  }
  async revokeToken(): Promise<ApiToken> {
    throw new ApiError('not_found', 404, 'no token');
  }
  async listWebhooks(): Promise<Webhook[]> {
    return [];
  }
  async createWebhook(body: CreateWebhook): Promise<CreatedWebhook> {
    return { id: '00000000-0000-4000-8000-0000000000cc', url: body.url, eventTypes: body.eventTypes, enabled: true, createdAt: new Date().toISOString(), secret: 'whsec_x' };
  }
  async listDeliveries(): Promise<Page<WebhookDelivery>> {
    return { items: [], nextCursor: null };
  }
  async resendDelivery(): Promise<WebhookDelivery> {
    throw new ApiError('not_found', 404, 'no delivery');
  }

  async listMyVods(query: VodQuery): Promise<Page<Vod>> {
    const channel = query.channel ? [...this.channels.values()].find((c) => c.slug === query.channel || c.id === query.channel) : undefined;
    const items = [...this.vods.values()].filter((v) => !query.channel || v.channelId === channel?.id);
    return { items, nextCursor: null };
  }
  async updateVod(id: string, body: UpdateVod): Promise<Vod> {
    this.calls.push(`updateVod ${id} ${body.title}`);
    const vod = { ...(await this.getVod(id)), ...body };
    this.vods.set(id, vod);
    return vod;
  }
  async deleteVod(id: string): Promise<void> {
    this.calls.push(`deleteVod ${id}`);
    await this.getVod(id);
    this.vods.delete(id);
  }
  async createVodUpload(body: CreateVodUploadBody): Promise<VodUploadTicket> {
    this.calls.push(`createVodUpload ${JSON.stringify(body)}`);
    if (this.uploadFailures.create) throw this.uploadFailures.create;
    const channel = await this.getChannel(body.channel);
    const vod = makeVod(channel.id, { title: body.title, origin: 'upload', liveSessionId: null, status: 'uploading', progressPercent: 0, playbackUrl: null, posterUrl: null, storyboardUrl: null, durationSeconds: null, readyAt: null });
    this.vods.set(vod.id, vod);
    return { vod, uploadUrl: `/v1/vods/${vod.id}/source`, method: 'PUT', headers: {}, maxBytes: 1024 * 1024 * 1024, expiresAt: null };
  }
  async uploadVodFile(ticket: VodUploadTicket, file: Blob, onProgress: (loaded: number, total: number) => void): Promise<void> {
    this.calls.push(`uploadVodFile ${ticket.vod.id} ${file.size}`);
    onProgress(Math.floor(file.size / 2), file.size);
    if (this.uploadFailures.put) throw this.uploadFailures.put;
    onProgress(file.size, file.size);
  }
  async completeVodUpload(id: string): Promise<Vod> {
    this.calls.push(`completeVodUpload ${id}`);
    if (this.uploadFailures.complete) throw this.uploadFailures.complete;
    const vod = { ...(await this.getVod(id)), status: 'processing' as const };
    this.vods.set(id, vod);
    return vod;
  }

  private newKey(): StreamKey {
    this.keySerial += 1;
    return { streamKey: `sk_test_${this.keySerial}_${'x'.repeat(20)}`, rtmpUrl: 'rtmp://127.0.0.1:1935/live', createdAt: '2026-01-01T00:00:00.000Z' };
  }
}

/** Renders the app at `path` with a fake console API, as a browser would after navigation. */
export function renderConsole(path: string, api: FakeConsoleApi, language: Language = 'en') {
  const i18n = createI18n(language);
  const result = render(
    <AppProviders api={api} consoleApi={api} i18n={i18n}>
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes />
      </MemoryRouter>
    </AppProviders>,
  );
  return { ...result, i18n };
}
