import type { ApiCall } from './api.js';
import { run, waitFor, type Proc } from './process.js';

/** A channel's stream key and where an encoder sends it. */
export interface StreamKey {
  streamKey: string;
  rtmpUrl: string;
  /** `rtmpUrl/streamKey`: the full URL an encoder publishes to. */
  publishUrl: string;
}

/** The live session of GET /v1/channels/:slug once it plays. */
export interface LiveSession {
  id: string;
  state: string;
  playbackUrl: string;
  renditions: string[];
}

/** The fields of a VOD every fixture reads. */
export interface VodState {
  id: string;
  status: string;
  failureReason: string | null;
}

/** GET /v1/channels/:slug/stream-key. */
export async function streamKey(api: ApiCall, slug: string): Promise<StreamKey> {
  const res = await api<{ streamKey: string; rtmpUrl: string }>(`/v1/channels/${slug}/stream-key`);
  if (res.status !== 200) throw new Error(`GET /v1/channels/${slug}/stream-key: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return { ...res.body, publishUrl: `${res.body.rtmpUrl}/${res.body.streamKey}` };
}

/** POST /v1/channels (anything but 201 throws), then its stream key. */
export async function createChannel(api: ApiCall, channel: { slug: string; title: string } & Record<string, unknown>): Promise<StreamKey> {
  const created = await api('/v1/channels', { method: 'POST', body: JSON.stringify(channel) });
  if (created.status !== 201) throw new Error(`POST /v1/channels: HTTP ${created.status} ${JSON.stringify(created.body)}`);
  return streamKey(api, channel.slug);
}

/**
 * Opens a live session as the ingest and the worker would, through the API's internal routes (no RTMP, no ffmpeg):
 * the ingest authorizes the stream key, the worker reports the ladder ready. `internal` calls with the internal token.
 * Returns the session id.
 */
export async function goLiveInternally(internal: ApiCall, key: string, opts: { renditions?: string[]; clientIp?: string; ingestId?: string } = {}): Promise<string> {
  const authorized = await internal<{ sessionId: string }>('/internal/ingest/authorize', {
    method: 'POST',
    body: JSON.stringify({ streamKey: key, clientIp: opts.clientIp ?? '127.0.0.1', ingestId: opts.ingestId ?? 't' }),
  });
  if (authorized.status !== 200) throw new Error(`POST /internal/ingest/authorize: HTTP ${authorized.status} ${JSON.stringify(authorized.body)}`);
  const { sessionId } = authorized.body;
  const ready = await internal(`/internal/worker/sessions/${sessionId}/events`, { method: 'POST', body: JSON.stringify({ type: 'ready', renditions: opts.renditions ?? ['720p'] }) });
  if (ready.status !== 204) throw new Error(`POST /internal/worker/sessions/${sessionId}/events: HTTP ${ready.status} ${JSON.stringify(ready.body)}`);
  return sessionId;
}

/** Pushes a synthetic 720p30 test pattern with a 440 Hz tone over RTMP, as an encoder like OBS would. */
export function publish(rtmpUrl: string, opts: { seconds: number; size?: string; audio?: boolean }): Proc {
  const size = opts.size ?? '1280x720';
  const audio = opts.audio ?? true;
  const args = ['-hide_banner', '-loglevel', 'warning', '-re', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30`];
  if (audio) args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  args.push('-t', String(opts.seconds));
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '60', '-pix_fmt', 'yuv420p');
  if (audio) args.push('-c:a', 'aac', '-b:a', '128k');
  args.push('-f', 'flv', rtmpUrl);
  return run('publisher', 'ffmpeg', args);
}

/**
 * Waits until the channel's live session has a playback URL (its first segments are out). `T` names the further
 * fields of the session a caller reads (e.g. its latencyMode).
 */
export async function waitLive<T extends LiveSession = LiveSession>(api: ApiCall, slug: string, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  return waitFor('the broadcast to go live', async () => {
    const { body } = await api<{ liveSession: T | null }>(`/v1/channels/${slug}`);
    return body.liveSession?.playbackUrl ? body.liveSession : null;
  }, timeoutMs, intervalMs);
}

/** Publishes the test pattern to the channel's stream key and waits until the broadcast plays (`T` as for waitLive). */
export async function goLive<T extends LiveSession = LiveSession>(api: ApiCall, slug: string, opts: Parameters<typeof publish>[1]): Promise<{ publisher: Proc; session: T }> {
  const publisher = publish((await streamKey(api, slug)).publishUrl, opts);
  return { publisher, session: await waitLive<T>(api, slug) };
}

/** GET /v1/vods/:id: null until it exists; throws once it failed, with its reason. */
export async function findVod<T extends VodState = VodState>(api: ApiCall, id: string): Promise<T | null> {
  const { status, body } = await api<T>(`/v1/vods/${id}`);
  if (status === 200 && body.status === 'failed') throw new Error(`VOD ${id} failed: ${body.failureReason}`);
  return status === 200 ? body : null;
}

/** Waits until the VOD is ready; a failed VOD keeps it waiting, and its reason is in the timeout's message. */
export async function waitVodReady<T extends VodState = VodState>(api: ApiCall, id: string, timeoutMs = 240_000, intervalMs = 250): Promise<T> {
  return waitFor(`VOD ${id} to be ready`, async () => {
    const vod = await findVod<T>(api, id);
    return vod?.status === 'ready' ? vod : null;
  }, timeoutMs, intervalMs);
}
