import { z } from 'zod';

/**
 * Simulcast: a channel's broadcast pushed as-is (no re-encode) to other RTMP/RTMPS services while it is live.
 * Stream keys are write-only: the API stores them encrypted and shows only their last characters.
 */

/** Services with a known ingest URL; `custom` takes any rtmp:// or rtmps:// URL. */
export const DestinationPlatforms = ['youtube', 'twitch', 'custom'] as const;
export type DestinationPlatform = (typeof DestinationPlatforms)[number];

/** Ingest URL each preset pushes to (their primary RTMPS ingest; the stream key is appended as the last path segment). */
export const DESTINATION_PRESET_URLS: Record<Exclude<DestinationPlatform, 'custom'>, string> = {
  youtube: 'rtmps://a.rtmps.youtube.com:443/live2',
  twitch: 'rtmps://live.twitch.tv:443/app',
};

/**
 * Where a destination is: idle (not live or disabled), connecting (its push is starting), live (frames flow),
 * retrying (the push dropped or could not connect; next attempt after a backoff), failed (given up for this
 * broadcast, with the reason; re-enable or the next broadcast tries again).
 */
export const DestinationStates = ['idle', 'connecting', 'live', 'retrying', 'failed'] as const;
export type DestinationState = (typeof DestinationStates)[number];

/** Characters of a stream key shown back (its end, as services show it). */
export const DESTINATION_KEY_SHOWN = 4;

// Keys are opaque to us but go on an RTMP URL: printable ASCII without spaces, slashes or backslashes.
const StreamKeyField = z.string().min(4).max(512).regex(/^[\x21-\x7e]+$/, 'printable characters without spaces').refine((k) => !/[/\\]/.test(k), 'must not contain / or \\');
const DestinationUrlField = z.string().max(1000).regex(/^rtmps?:\/\//i, 'must be an rtmp:// or rtmps:// URL');

export const CreateDestinationSchema = z
  .object({
    platform: z.enum(DestinationPlatforms),
    name: z.string().trim().min(1).max(100).optional(),
    /** Required for `custom`; for a preset it replaces the preset's ingest URL (e.g. a regional Twitch ingest). */
    url: DestinationUrlField.optional(),
    streamKey: StreamKeyField,
    enabled: z.boolean().optional(),
  })
  .strict();
export type CreateDestination = z.infer<typeof CreateDestinationSchema>;

export const UpdateDestinationSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    url: DestinationUrlField.optional(),
    streamKey: StreamKeyField.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type UpdateDestination = z.infer<typeof UpdateDestinationSchema>;

export const DestinationSchema = z.object({
  id: z.string().uuid(),
  channelId: z.string().uuid(),
  platform: z.enum(DestinationPlatforms),
  name: z.string(),
  url: z.string(),
  /** The key's last characters behind bullets; the key itself is never returned. */
  streamKeyMasked: z.string(),
  enabled: z.boolean(),
  state: z.enum(DestinationStates),
  /** Why it is retrying or failed; null otherwise. */
  stateReason: z.string().nullable(),
  stateAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Destination = z.infer<typeof DestinationSchema>;
export const DestinationListSchema = z.object({ items: z.array(DestinationSchema) });

/** The key as it may be shown: bullets and its last characters (all bullets when it is short). */
export function maskStreamKey(key: string): string {
  const shown = key.length >= DESTINATION_KEY_SHOWN * 3 ? key.slice(-DESTINATION_KEY_SHOWN) : '';
  return `••••••••${shown}`;
}

/** worker -> API: the destinations to push a live session to (enabled ones, with their keys). */
export const WorkerDestinationSchema = z.object({
  id: z.string().uuid(),
  /** The full push URL, key included: internal only. */
  pushUrl: z.string(),
  /** Changes whenever the URL, key or enabled flag changes: a running push restarts on a new revision. */
  revision: z.string(),
});
export type WorkerDestination = z.infer<typeof WorkerDestinationSchema>;
export const WorkerDestinationListSchema = z.object({ items: z.array(WorkerDestinationSchema) });

/** worker -> API: one destination's push changed state. */
export const DestinationStateReportSchema = z
  .object({
    state: z.enum(DestinationStates),
    reason: z.string().max(500).nullable(),
  })
  .strict();
export type DestinationStateReport = z.infer<typeof DestinationStateReportSchema>;
