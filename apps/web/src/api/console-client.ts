import {
  ApiTokenSchema,
  ChannelSchema,
  CreatedApiTokenSchema,
  CreatedWebhookSchema,
  DestinationListSchema,
  DestinationSchema,
  LiveSessionDetailSchema,
  MeSchema,
  ModeratorInvitationSchema,
  ModeratorInvitedSchema,
  ModeratorListSchema,
  PageSchema,
  StreamKeySchema,
  VodSchema,
  VodUploadTicketSchema,
  WebhookDeliverySchema,
  WebhookSchema,
  type ApiToken,
  type Channel,
  type CreateApiToken,
  type CreateChannel,
  type CreatedApiToken,
  type CreatedWebhook,
  type CreateDestination,
  type Destination,
  type UpdateDestination,
  type CreateWebhook,
  type LiveSessionDetail,
  type LiveSessionState,
  type Me,
  type ModeratorInvitation,
  type ModeratorInvited,
  type ModeratorList,
  type StreamKey,
  type UpdateChannel,
  type CreateVodUpload,
  type UpdateVod,
  type Vod,
  type VodUploadTicket,
  type Webhook,
  type WebhookDelivery,
} from '@onda/contracts';
import { type Page, type ParseSchema, type ViewerApi } from './client';
import { PeopleClient, type PeopleApi } from './people-client';

/** Filters of the live-session list. */
export interface LiveSessionQuery {
  channelId?: string;
  state?: LiveSessionState;
  cursor?: string;
}

/** Filters of the console's VOD library (always the signed-in owner's VODs). */
export interface VodQuery {
  /** Channel id or slug. */
  channel?: string;
  cursor?: string;
  limit?: number;
}

/** Body of `POST /v1/vods/uploads`; `direct: false` asks for an upload URL on the API itself. */
export type CreateVodUploadBody = CreateVodUpload & { direct?: boolean };

/** What the admin console needs from the API (session cookie auth); pages depend on this, tests fake it. */
export interface ConsoleApi extends ViewerApi, PeopleApi {
  setupNeeded(): Promise<boolean>;
  setup(email: string, password: string): Promise<void>;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  me(signal?: AbortSignal): Promise<Me>;
  listMyChannels(signal?: AbortSignal): Promise<Page<Channel>>;
  /** Every account's channels, each with its owner (operators only: the API answers 403 to anyone else). */
  listAllChannels(signal?: AbortSignal): Promise<Page<Channel>>;
  createChannel(body: CreateChannel): Promise<Channel>;
  updateChannel(idOrSlug: string, body: UpdateChannel): Promise<Channel>;
  getStreamKey(idOrSlug: string, signal?: AbortSignal): Promise<StreamKey>;
  rotateStreamKey(idOrSlug: string): Promise<StreamKey>;
  revokeStreamKey(idOrSlug: string): Promise<void>;
  deleteChannel(idOrSlug: string): Promise<void>;
  listModerators(idOrSlug: string, signal?: AbortSignal): Promise<ModeratorList>;
  /** Invites by email; the same answer whether or not the account exists (it moderates once it accepts). */
  addModerator(idOrSlug: string, email: string): Promise<ModeratorInvited>;
  removeModerator(idOrSlug: string, userId: string): Promise<void>;
  withdrawInvitation(idOrSlug: string, invitationId: string): Promise<void>;
  /** Simulcast destinations (keys come back masked only). */
  listDestinations(idOrSlug: string, signal?: AbortSignal): Promise<Destination[]>;
  addDestination(idOrSlug: string, body: CreateDestination): Promise<Destination>;
  updateDestination(idOrSlug: string, id: string, body: UpdateDestination): Promise<Destination>;
  deleteDestination(idOrSlug: string, id: string): Promise<void>;
  /** Invitations to moderate addressed to the signed-in account. */
  listMyInvitations(signal?: AbortSignal): Promise<ModeratorInvitation[]>;
  answerInvitation(invitationId: string, accept: boolean): Promise<void>;
  listLiveSessions(query: LiveSessionQuery, signal?: AbortSignal): Promise<Page<LiveSessionDetail>>;
  listTokens(signal?: AbortSignal): Promise<ApiToken[]>;
  createToken(body: CreateApiToken): Promise<CreatedApiToken>;
  revokeToken(id: string): Promise<ApiToken>;
  listWebhooks(signal?: AbortSignal): Promise<Webhook[]>;
  createWebhook(body: CreateWebhook): Promise<CreatedWebhook>;
  listDeliveries(webhookId: string, cursor?: string, signal?: AbortSignal): Promise<Page<WebhookDelivery>>;
  resendDelivery(deliveryId: string): Promise<WebhookDelivery>;
  listMyVods(query: VodQuery, signal?: AbortSignal): Promise<Page<Vod>>;
  updateVod(id: string, body: UpdateVod): Promise<Vod>;
  deleteVod(id: string): Promise<void>;
  /** Step 1 of an upload: creates the VOD (status `uploading`) and says where to PUT the file. */
  createVodUpload(body: CreateVodUploadBody): Promise<VodUploadTicket>;
  /** Step 2: PUTs the file as the ticket says, reporting bytes sent. */
  uploadVodFile(ticket: VodUploadTicket, file: Blob, onProgress: (loaded: number, total: number) => void, signal?: AbortSignal): Promise<void>;
  /** Step 3: the server checks the stored file and queues the encode (415 not a video, 413 too large). */
  completeVodUpload(id: string): Promise<Vod>;
}

const ChannelPageSchema = PageSchema(ChannelSchema);

const SessionPageSchema = PageSchema(LiveSessionDetailSchema);
const DeliveryPageSchema = PageSchema(WebhookDeliverySchema);
const VodPageSchema = PageSchema(VodSchema);
// The unpaginated lists answer `{ items }` only.
const TokenListSchema = PageSchema(ApiTokenSchema).pick({ items: true });
const WebhookListSchema = PageSchema(WebhookSchema).pick({ items: true });
const InvitationListSchema = PageSchema(ModeratorInvitationSchema).pick({ items: true });
const SetupStatusSchema: ParseSchema<{ needed: boolean }> = {
  safeParse: (data) =>
    typeof (data as { needed?: unknown } | undefined)?.needed === 'boolean'
      ? { success: true, data: data as { needed: boolean } }
      : { success: false, error: { message: 'expected { needed: boolean }' } },
};

const enc = encodeURIComponent;

/** The API client with the console's routes; the browser sends the httpOnly session cookie by itself. */
export class ConsoleClient extends PeopleClient implements ConsoleApi {
  async setupNeeded(): Promise<boolean> {
    return (await this.request('GET', '/v1/auth/setup', SetupStatusSchema)).needed;
  }

  async setup(email: string, password: string): Promise<void> {
    await this.request('POST', '/v1/auth/setup', null, { body: { email, password } });
  }

  async signIn(email: string, password: string): Promise<void> {
    await this.request('POST', '/v1/auth/sign-in', null, { body: { email, password } });
  }

  signOut(): Promise<void> {
    return this.request('POST', '/v1/auth/sign-out', null);
  }

  me(signal?: AbortSignal): Promise<Me> {
    return this.request('GET', '/v1/auth/me', MeSchema, { signal });
  }

  listMyChannels(signal?: AbortSignal): Promise<Page<Channel>> {
    return this.request('GET', '/v1/channels?owner=me&limit=100', ChannelPageSchema, { signal });
  }

  listAllChannels(signal?: AbortSignal): Promise<Page<Channel>> {
    return this.request('GET', '/v1/channels?owner=all&limit=100', ChannelPageSchema, { signal });
  }

  createChannel(body: CreateChannel): Promise<Channel> {
    return this.request('POST', '/v1/channels', ChannelSchema, { body });
  }

  updateChannel(idOrSlug: string, body: UpdateChannel): Promise<Channel> {
    return this.request('PATCH', `/v1/channels/${enc(idOrSlug)}`, ChannelSchema, { body });
  }

  getStreamKey(idOrSlug: string, signal?: AbortSignal): Promise<StreamKey> {
    return this.request('GET', `/v1/channels/${enc(idOrSlug)}/stream-key`, StreamKeySchema, { signal });
  }

  rotateStreamKey(idOrSlug: string): Promise<StreamKey> {
    return this.request('POST', `/v1/channels/${enc(idOrSlug)}/stream-key/rotate`, StreamKeySchema);
  }

  revokeStreamKey(idOrSlug: string): Promise<void> {
    return this.request('DELETE', `/v1/channels/${enc(idOrSlug)}/stream-key`, null);
  }

  deleteChannel(idOrSlug: string): Promise<void> {
    return this.request('DELETE', `/v1/channels/${enc(idOrSlug)}`, null);
  }

  listModerators(idOrSlug: string, signal?: AbortSignal): Promise<ModeratorList> {
    return this.request('GET', `/v1/channels/${enc(idOrSlug)}/moderators`, ModeratorListSchema, { signal });
  }

  addModerator(idOrSlug: string, email: string): Promise<ModeratorInvited> {
    return this.request('POST', `/v1/channels/${enc(idOrSlug)}/moderators`, ModeratorInvitedSchema, { body: { email } });
  }

  async listDestinations(idOrSlug: string, signal?: AbortSignal): Promise<Destination[]> {
    return (await this.request('GET', `/v1/channels/${enc(idOrSlug)}/destinations`, DestinationListSchema, { signal })).items;
  }

  addDestination(idOrSlug: string, body: CreateDestination): Promise<Destination> {
    return this.request('POST', `/v1/channels/${enc(idOrSlug)}/destinations`, DestinationSchema, { body });
  }

  updateDestination(idOrSlug: string, id: string, body: UpdateDestination): Promise<Destination> {
    return this.request('PATCH', `/v1/channels/${enc(idOrSlug)}/destinations/${enc(id)}`, DestinationSchema, { body });
  }

  deleteDestination(idOrSlug: string, id: string): Promise<void> {
    return this.request('DELETE', `/v1/channels/${enc(idOrSlug)}/destinations/${enc(id)}`, null);
  }

  withdrawInvitation(idOrSlug: string, invitationId: string): Promise<void> {
    return this.request('DELETE', `/v1/channels/${enc(idOrSlug)}/moderators/invitations/${enc(invitationId)}`, null);
  }

  async listMyInvitations(signal?: AbortSignal): Promise<ModeratorInvitation[]> {
    return (await this.request('GET', '/v1/moderator-invitations', InvitationListSchema, { signal })).items;
  }

  answerInvitation(invitationId: string, accept: boolean): Promise<void> {
    return this.request('POST', `/v1/moderator-invitations/${enc(invitationId)}/${accept ? 'accept' : 'decline'}`, null);
  }

  removeModerator(idOrSlug: string, userId: string): Promise<void> {
    return this.request('DELETE', `/v1/channels/${enc(idOrSlug)}/moderators/${enc(userId)}`, null);
  }

  listLiveSessions(query: LiveSessionQuery, signal?: AbortSignal): Promise<Page<LiveSessionDetail>> {
    const params = new URLSearchParams({ limit: '50' });
    if (query.channelId) params.set('channelId', query.channelId);
    if (query.state) params.set('state', query.state);
    if (query.cursor) params.set('cursor', query.cursor);
    return this.request('GET', `/v1/live-sessions?${params}`, SessionPageSchema, { signal });
  }

  async listTokens(signal?: AbortSignal): Promise<ApiToken[]> {
    return (await this.request('GET', '/v1/tokens', TokenListSchema, { signal })).items;
  }

  createToken(body: CreateApiToken): Promise<CreatedApiToken> {
    return this.request('POST', '/v1/tokens', CreatedApiTokenSchema, { body });
  }

  revokeToken(id: string): Promise<ApiToken> {
    return this.request('DELETE', `/v1/tokens/${enc(id)}`, ApiTokenSchema);
  }

  async listWebhooks(signal?: AbortSignal): Promise<Webhook[]> {
    return (await this.request('GET', '/v1/webhooks', WebhookListSchema, { signal })).items;
  }

  createWebhook(body: CreateWebhook): Promise<CreatedWebhook> {
    return this.request('POST', '/v1/webhooks', CreatedWebhookSchema, { body });
  }

  listDeliveries(webhookId: string, cursor?: string, signal?: AbortSignal): Promise<Page<WebhookDelivery>> {
    const params = new URLSearchParams({ limit: '50' });
    if (cursor) params.set('cursor', cursor);
    return this.request('GET', `/v1/webhooks/${enc(webhookId)}/deliveries?${params}`, DeliveryPageSchema, { signal });
  }

  resendDelivery(deliveryId: string): Promise<WebhookDelivery> {
    return this.request('POST', `/v1/webhooks/deliveries/${enc(deliveryId)}/resend`, WebhookDeliverySchema);
  }

  listMyVods(query: VodQuery, signal?: AbortSignal): Promise<Page<Vod>> {
    const params = new URLSearchParams({ owner: 'me', limit: String(query.limit ?? 50) });
    if (query.channel) params.set('channel', query.channel);
    if (query.cursor) params.set('cursor', query.cursor);
    return this.request('GET', `/v1/vods?${params}`, VodPageSchema, { signal });
  }

  updateVod(id: string, body: UpdateVod): Promise<Vod> {
    return this.request('PATCH', `/v1/vods/${enc(id)}`, VodSchema, { body });
  }

  deleteVod(id: string): Promise<void> {
    return this.request('DELETE', `/v1/vods/${enc(id)}`, null);
  }

  createVodUpload(body: CreateVodUploadBody): Promise<VodUploadTicket> {
    return this.request('POST', '/v1/vods/uploads', VodUploadTicketSchema, { body });
  }

  uploadVodFile(ticket: VodUploadTicket, file: Blob, onProgress: (loaded: number, total: number) => void, signal?: AbortSignal): Promise<void> {
    return this.sendFile(ticket.method, ticket.uploadUrl, ticket.headers, file, onProgress, signal);
  }

  completeVodUpload(id: string): Promise<Vod> {
    return this.request('POST', `/v1/vods/${enc(id)}/complete`, VodSchema);
  }
}
