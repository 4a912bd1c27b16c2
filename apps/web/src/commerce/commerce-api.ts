import {
  CommerceClaimSchema, CommerceMarkerSchema, CommerceMomentAdminSchema, CommerceViewerMomentSchema,
  type CommerceClaim, type CommerceMarker, type CommerceMomentAdmin, type CommerceViewerMoment, type CreateCommerceMoment,
} from '@onda/contracts';
import { ApiClient, type ParseSchema } from '../api/client';
import { browserStore, storedDeviceToken, type KeyValueStore } from '../chat/chat-storage';

const path = (channel: string) => `/v1/channels/${encodeURIComponent(channel)}/commerce`;
/** `{ items: [...] }` with every item checked. */
function itemsOf<T>(item: ParseSchema<T>): ParseSchema<{ items: T[] }> {
  return {
    safeParse(data) {
      const raw = (data as { items?: unknown } | null)?.items;
      if (!Array.isArray(raw)) return { success: false, error: { message: 'expected { items: [...] }' } };
      const items: T[] = [];
      for (const one of raw) {
        const parsed = item.safeParse(one);
        if (!parsed.success) return parsed;
        items.push(parsed.data);
      }
      return { success: true, data: { items } };
    },
  };
}
const LiveList = itemsOf(CommerceViewerMomentSchema);
const AdminList = itemsOf(CommerceMomentAdminSchema);
const Markers = itemsOf(CommerceMarkerSchema);

/** What viewers do with moments: see them, count an impression or click, claim a drop; and a recording's moments. */
export interface CommerceViewerApi {
  live(channel: string, signal?: AbortSignal): Promise<CommerceViewerMoment[]>;
  event(channel: string, momentId: string, type: 'impression' | 'click'): Promise<void>;
  claim(channel: string, momentId: string): Promise<CommerceClaim>;
  vodMarkers(vodId: string, signal?: AbortSignal): Promise<CommerceMarker[]>;
}

/** The producer's side (console): prepare, picture, show, hide, delete, with statistics. */
export interface CommerceAdminApi {
  list(channel: string, signal?: AbortSignal): Promise<CommerceMomentAdmin[]>;
  create(channel: string, body: CreateCommerceMoment): Promise<CommerceMomentAdmin>;
  uploadImage(channel: string, momentId: string, file: Blob): Promise<void>;
  show(channel: string, momentId: string): Promise<CommerceMomentAdmin>;
  hide(channel: string, momentId: string): Promise<CommerceMomentAdmin>;
  remove(channel: string, momentId: string): Promise<void>;
}

/**
 * Commerce REST. An anonymous viewer is who the chat knows: the device token the chat join handed out (stored by
 * the chat client) goes along in `x-onda-device`; a signed-in viewer's session cookie does the rest.
 */
export class CommerceClient extends ApiClient implements CommerceViewerApi, CommerceAdminApi {
  constructor(private readonly store: KeyValueStore = browserStore()) {
    super();
  }

  private device(): Record<string, string> {
    const token = storedDeviceToken(this.store);
    return token ? { 'x-onda-device': token } : {};
  }

  async live(channel: string, signal?: AbortSignal): Promise<CommerceViewerMoment[]> {
    return (await this.request('GET', `${path(channel)}/live`, LiveList, { signal, headers: this.device() })).items;
  }

  event(channel: string, momentId: string, type: 'impression' | 'click'): Promise<void> {
    return this.request('POST', `${path(channel)}/moments/${momentId}/events`, null, { body: { type }, headers: this.device() });
  }

  claim(channel: string, momentId: string): Promise<CommerceClaim> {
    return this.request('POST', `${path(channel)}/moments/${momentId}/claim`, CommerceClaimSchema, { headers: this.device() });
  }

  async vodMarkers(vodId: string, signal?: AbortSignal): Promise<CommerceMarker[]> {
    return (await this.request('GET', `/v1/vods/${encodeURIComponent(vodId)}/commerce`, Markers, { signal })).items;
  }

  /** A broadcast's moments for its reaction timeline (the channel owner's). */
  async sessionMarkers(liveSessionId: string, signal?: AbortSignal): Promise<CommerceMarker[]> {
    return (await this.request('GET', `/v1/live-sessions/${encodeURIComponent(liveSessionId)}/commerce`, Markers, { signal })).items;
  }

  async list(channel: string, signal?: AbortSignal): Promise<CommerceMomentAdmin[]> {
    return (await this.request('GET', `${path(channel)}/moments`, AdminList, { signal })).items;
  }

  create(channel: string, body: CreateCommerceMoment): Promise<CommerceMomentAdmin> {
    return this.request('POST', `${path(channel)}/moments`, CommerceMomentAdminSchema, { body });
  }

  uploadImage(channel: string, momentId: string, file: Blob): Promise<void> {
    return this.sendFile('PUT', `${path(channel)}/moments/${momentId}/image`, { 'content-type': file.type }, file, () => undefined);
  }

  show(channel: string, momentId: string): Promise<CommerceMomentAdmin> {
    return this.request('POST', `${path(channel)}/moments/${momentId}/show`, CommerceMomentAdminSchema);
  }

  hide(channel: string, momentId: string): Promise<CommerceMomentAdmin> {
    return this.request('POST', `${path(channel)}/moments/${momentId}/hide`, CommerceMomentAdminSchema);
  }

  remove(channel: string, momentId: string): Promise<void> {
    return this.request('DELETE', `${path(channel)}/moments/${momentId}`, null);
  }
}

let shared: CommerceClient | null = null;
/** The page's one client (tests replace it with setCommerceClient). */
export function commerceClient(): CommerceClient {
  shared ??= new CommerceClient();
  return shared;
}
export function setCommerceClient(client: CommerceClient | null): void {
  shared = client;
}
