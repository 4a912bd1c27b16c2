import type { ApiToken, Channel, CreateApiToken, CreateChannel, CreatedApiToken, CreatedWebhook, CreateDestination, CreateWebhook, Destination, UpdateDestination, LiveSessionDetail, Me, Moderator, ModeratorInvitation, ModeratorInvited, ModeratorList, PendingModerator, StreamKey, UpdateChannel, UpdateVod, Vod, VodUploadTicket, Webhook, WebhookDelivery } from '@onda/contracts';
import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { ApiError, type Page } from '../api/client';
import type { ConsoleApi, CreateVodUploadBody, VodQuery } from '../api/console-client';
import { AppProviders, AppRoutes } from '../app';
import { createI18n, type Language } from '../i18n/i18n';
import { makeChannel, makeVod } from '../test/fixtures';
import { FakePeopleApi } from './people-testing';

const ME_ID = '00000000-0000-4000-8000-0000000000aa';

/** An in-memory ConsoleApi for component tests: one admin, channels by slug, a counter-based key. */
export class FakeConsoleApi extends FakePeopleApi implements ConsoleApi {
  signedIn = true;
  /** Whether the signed-in account is an operator (sees every account's channels). */
  operator = true;
  needsSetup = false;
  /** Seconds the fake server refuses sign-ins for (429 with Retry-After), or null. */
  signInLockedFor: number | null = null;
  keys = new Map<string, StreamKey>();
  /** Moderators and pending invitations by channel slug; `myInvitations` are the signed-in account's. */
  moderators = new Map<string, Moderator[]>();
  invitations = new Map<string, PendingModerator[]>();
  myInvitations: ModeratorInvitation[] = [];
  private invitationSerial = 0;
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
    if (this.signInLockedFor !== null) throw new ApiError('rate_limited', 429, 'too many', this.signInLockedFor);
    if (password !== 'correct horse battery') throw new ApiError('unauthenticated', 401, 'wrong');
    this.signedIn = true;
  }
  async signOut(): Promise<void> {
    this.signedIn = false;
  }
  async me(): Promise<Me> {
    if (!this.signedIn) throw new ApiError('unauthenticated', 401, 'sign in');
    return { id: ME_ID, email: 'admin@example.com', displayName: 'Admin', role: 'streamer', operator: this.operator, scopes: ['*'], via: 'session' };
  }
  async listMyChannels(): Promise<Page<Channel>> {
    return { items: [...this.channels.values()].filter((c) => !c.owner || c.owner.id === ME_ID), nextCursor: null };
  }
  async listAllChannels(): Promise<Page<Channel>> {
    this.calls.push('listAllChannels');
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
  async listModerators(slug: string): Promise<ModeratorList> {
    await this.getChannel(slug);
    return { items: this.moderators.get(slug) ?? [], invitations: this.invitations.get(slug) ?? [] };
  }
  async addModerator(slug: string, email: string): Promise<ModeratorInvited> {
    this.calls.push(`addModerator ${slug} ${email}`);
    const id = `00000000-0000-4000-8000-${String(++this.invitationSerial).padStart(12, '0')}`;
    this.invitations.set(slug, [...(this.invitations.get(slug) ?? []).filter((i) => i.email !== email), { id, email, createdAt: '2026-01-01T00:00:00.000Z' }]);
    return { email, status: 'invited' };
  }
  destinations = new Map<string, Destination[]>();
  async listDestinations(slug: string): Promise<Destination[]> {
    await this.getChannel(slug);
    return this.destinations.get(slug) ?? [];
  }
  async addDestination(slug: string, body: CreateDestination): Promise<Destination> {
    this.calls.push(`addDestination ${slug} ${body.platform}`);
    const list = this.destinations.get(slug) ?? [];
    const d: Destination = {
      id: `00000000-0000-4000-9000-${String(list.length + 1).padStart(12, '0')}`, channelId: (await this.getChannel(slug)).id, platform: body.platform,
      name: body.name ?? (body.platform === 'custom' ? 'custom' : body.platform === 'youtube' ? 'YouTube' : 'Twitch'), url: body.url ?? `rtmps://${body.platform}.example/app`,
      streamKeyMasked: `••••••••${body.streamKey.slice(-4)}`, enabled: body.enabled ?? true, state: 'idle', stateReason: null, stateAt: null, createdAt: '2026-01-01T00:00:00.000Z',
    };
    this.destinations.set(slug, [...list, d]);
    return d;
  }
  async updateDestination(slug: string, id: string, body: UpdateDestination): Promise<Destination> {
    this.calls.push(`updateDestination ${slug} ${id} ${JSON.stringify(body)}`);
    const list = (this.destinations.get(slug) ?? []).map((d) => (d.id === id ? { ...d, ...(body.enabled !== undefined ? { enabled: body.enabled, state: 'idle' as const } : {}) } : d));
    this.destinations.set(slug, list);
    return list.find((d) => d.id === id)!;
  }
  async deleteDestination(slug: string, id: string): Promise<void> {
    this.calls.push(`deleteDestination ${slug} ${id}`);
    this.destinations.set(slug, (this.destinations.get(slug) ?? []).filter((d) => d.id !== id));
  }
  async withdrawInvitation(slug: string, invitationId: string): Promise<void> {
    this.calls.push(`withdrawInvitation ${slug} ${invitationId}`);
    this.invitations.set(slug, (this.invitations.get(slug) ?? []).filter((i) => i.id !== invitationId));
  }
  async listMyInvitations(): Promise<ModeratorInvitation[]> {
    return this.myInvitations;
  }
  async answerInvitation(invitationId: string, accept: boolean): Promise<void> {
    this.calls.push(`${accept ? 'accept' : 'decline'}Invitation ${invitationId}`);
    this.myInvitations = this.myInvitations.filter((i) => i.id !== invitationId);
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
