import { z } from 'zod';
import { ChatMessageSchema } from './chat.js';

/**
 * Playback statistics. The web player sends beacons (POST /v1/beacons, also via navigator.sendBeacon at unload,
 * so the body may arrive as text/plain); the API ingests them in batches into minute and 10-second aggregates.
 * Raw beacons are kept for a documented retention only.
 */
export const BEACON_BUCKET_SECONDS = 10;

export const BeaconEventSchema = z.discriminatedUnion('type', [
  /** Playback started: time from load to first frame. */
  z.object({ type: z.literal('start'), startupMs: z.number().int().nonnegative().max(600_000) }),
  /**
   * Stall time within this beacon's interval only (never repeated in a later beacon). A stall that spans beacons is
   * sent in pieces, `ongoing: true` on every piece but the last; it counts as one rebuffer event, on its last piece
   * (or on the playback's `end` beacon if it never finished).
   */
  z.object({ type: z.literal('rebuffer'), durationMs: z.number().int().nonnegative().max(3_600_000), ongoing: z.boolean().optional() }),
  z.object({ type: z.literal('rendition'), rendition: z.string().max(16) }),
  z.object({ type: z.literal('error'), code: z.string().max(64), fatal: z.boolean() }),
  /** The playback is over (page unload, source change): it stops counting as a current viewer at once. */
  z.object({ type: z.literal('end') }),
]);
export type BeaconEvent = z.infer<typeof BeaconEventSchema>;

/** One beacon of one playback session; sent every ~10 s while playing and once at unload. */
export const BeaconSchema = z
  .object({
    /** Random per playback (page load + source), not a person; a second id per browser makes "unique viewers". */
    playbackId: z.string().min(8).max(64),
    viewerId: z.string().min(8).max(64),
    /** Exactly one of liveSessionId / vodId. */
    liveSessionId: z.string().uuid().optional(),
    vodId: z.string().uuid().optional(),
    /** Sequence number per playback (dedupe of retried beacons). */
    seq: z.number().int().nonnegative().max(1_000_000),
    /** Player position: seconds since the start of the broadcast (live) or VOD timeline. */
    position: z.number().nonnegative().max(7 * 86_400),
    /** Seconds actually watched (playing, not stalled) since the previous beacon. */
    watchedSeconds: z.number().nonnegative().max(600),
    /** VOD: the timeline ranges played since the previous beacon, [from, to] seconds. */
    played: z.array(z.tuple([z.number().nonnegative(), z.number().nonnegative()])).max(50).optional(),
    rendition: z.string().max(16).nullable(),
    events: z.array(BeaconEventSchema).max(50),
    /**
     * The playback ticket (POST /v1/beacons/tickets) of this playbackId, viewerId and target. Beacons without a
     * valid one are ignored and counted: statistics count only players the API let start (security #12, finding 9).
     */
    ticket: z.string().max(200).optional(),
  })
  .strict()
  .refine((b) => (b.liveSessionId === undefined) !== (b.vodId === undefined), 'exactly one of liveSessionId and vodId');
export type Beacon = z.infer<typeof BeaconSchema>;

/** POST /v1/beacons/tickets body: the playback the player starts (exactly one of liveSessionId / vodId). */
export const PlaybackTicketRequestSchema = z
  .object({
    playbackId: z.string().min(8).max(64),
    viewerId: z.string().min(8).max(64),
    liveSessionId: z.string().uuid().optional(),
    vodId: z.string().uuid().optional(),
    /** The ticket this playback holds now: a renewal of a still valid ticket costs none of the address's new tickets. */
    previous: z.string().max(200).optional(),
  })
  .strict()
  .refine((b) => (b.liveSessionId === undefined) !== (b.vodId === undefined), 'exactly one of liveSessionId and vodId');
export type PlaybackTicketRequest = z.infer<typeof PlaybackTicketRequestSchema>;

/** A signed, short-lived ticket for one playback; its beacons carry it until `expiresAt` (renew before). */
export const PlaybackTicketSchema = z.object({ ticket: z.string(), expiresAt: z.string().datetime() });
export type PlaybackTicket = z.infer<typeof PlaybackTicketSchema>;

/** POST /v1/beacons body: one beacon or a batch. */
export const BeaconBatchSchema = z.object({ beacons: z.array(BeaconSchema).min(1).max(100) }).strict();
export type BeaconBatch = z.infer<typeof BeaconBatchSchema>;

/**
 * 202 answer of POST /v1/beacons. `ignored`: beacons without a valid ticket, for unknown live sessions or VODs, or
 * for live sessions that ended more than a few minutes ago (one answer for all, so an id reveals nothing). Retried beacons (same playbackId + seq) are accepted and then counted once.
 */
export const BeaconAckSchema = z.object({ accepted: z.number().int().nonnegative(), ignored: z.number().int().nonnegative() });
export type BeaconAck = z.infer<typeof BeaconAckSchema>;

/** Quality of experience over a set of playbacks. */
export const QoeSchema = z.object({
  playbacks: z.number().int().nonnegative(),
  startupMsP50: z.number().nullable(),
  startupMsP90: z.number().nullable(),
  /** Stalled time / (watched + stalled time). */
  rebufferRatio: z.number().nullable(),
  rebufferEvents: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  fatalErrors: z.number().int().nonnegative(),
});
export type Qoe = z.infer<typeof QoeSchema>;

/** Ingest health sample reported by the worker (one a ~10 s). */
export const IngestHealthPointSchema = z.object({
  at: z.string(),
  bitrateKbps: z.number().nonnegative(),
  fps: z.number().nonnegative(),
  keyframeIntervalSeconds: z.number().nonnegative().nullable(),
  droppedFrames: z.number().int().nonnegative(),
  /** Transcode speed (1.0 = real time). */
  speed: z.number().nonnegative().nullable(),
});
export type IngestHealthPoint = z.infer<typeof IngestHealthPointSchema>;

/** GET /v1/live-sessions/:id/stats */
export const LiveStatsSchema = z.object({
  liveSessionId: z.string().uuid(),
  channelId: z.string().uuid(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  concurrentNow: z.number().int().nonnegative(),
  peakConcurrent: z.number().int().nonnegative(),
  averageConcurrent: z.number().nonnegative(),
  uniqueViewers: z.number().int().nonnegative(),
  watchSeconds: z.number().nonnegative(),
  /**
   * One point per minute from start to end (or now), zero-filled. Minutes are counted from `startedAt` (`minute` is
   * the ISO time a minute begins); `viewers` = playbacks active at any moment of that minute.
   */
  viewersPerMinute: z.array(z.object({ minute: z.string(), viewers: z.number().int().nonnegative(), chatMessages: z.number().int().nonnegative() })),
  /** Share of watched seconds per rendition. */
  renditions: z.record(z.string(), z.number().nonnegative()),
  qoe: QoeSchema,
  /** Viewers per country code, or null when no GeoIP source is configured. */
  countries: z.record(z.string(), z.number().int()).nullable(),
  ingest: z.array(IngestHealthPointSchema),
});
export type LiveStats = z.infer<typeof LiveStatsSchema>;

/** GET /v1/vods/:id/stats */
export const VodStatsSchema = z.object({
  vodId: z.string().uuid(),
  views: z.number().int().nonnegative(),
  uniqueViewers: z.number().int().nonnegative(),
  watchSeconds: z.number().nonnegative(),
  /** Sessions that watched each BEACON_BUCKET_SECONDS bucket of the timeline, from 0 to the VOD's duration. */
  retention: z.array(z.object({ start: z.number().nonnegative(), sessions: z.number().int().nonnegative() })),
  qoe: QoeSchema,
});
export type VodStats = z.infer<typeof VodStatsSchema>;

/** One 10-second bucket of a broadcast's recording timeline (t = seconds since the broadcast started). */
export const TimelineBucketSchema = z.object({
  start: z.number().nonnegative(),
  chatMessages: z.number().int().nonnegative(),
  uniqueChatters: z.number().int().nonnegative(),
  reactions: z.number().int().nonnegative(),
  /** Concurrent live viewers during the bucket (max of the beacons). */
  viewers: z.number().int().nonnegative(),
  /** VOD sessions that watched this bucket of the recording. */
  vodSessions: z.number().int().nonnegative(),
});
export type TimelineBucket = z.infer<typeof TimelineBucketSchema>;

export const HighlightSignalSchema = z.discriminatedUnion('kind', [
  /** Chat (+ half the reactions) at `ratio` times the rolling baseline. */
  z.object({ kind: z.literal('chat-ratio'), ratio: z.number() }),
  /** A burst out of a quiet baseline: `messages` in one bucket. */
  z.object({ kind: z.literal('chat-burst'), messages: z.number().int(), seconds: z.number().int() }),
  z.object({ kind: z.literal('viewers-rise'), delta: z.number().int() }),
  z.object({ kind: z.literal('viewer-peak'), viewers: z.number().int() }),
]);
export type HighlightSignal = z.infer<typeof HighlightSignalSchema>;

export const HighlightSchema = z.object({
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  score: z.number(),
  /** Why it scored, in English for API users: e.g. `chat x4.2 over baseline`, `viewer peak (80)`. */
  reasons: z.array(z.string()),
  /** The same reasons as data, for clients that word them in their own language. */
  signals: z.array(HighlightSignalSchema),
  /** Deep link into the VOD player (`/v/<vodId>?t=<start>`), null without a VOD. */
  url: z.string().nullable(),
  thumbnailUrl: z.string().nullable(),
});
export type Highlight = z.infer<typeof HighlightSchema>;

/** GET /v1/live-sessions/:id/timeline */
export const SessionTimelineSchema = z.object({
  liveSessionId: z.string().uuid(),
  vodId: z.string().uuid().nullable(),
  bucketSeconds: z.literal(BEACON_BUCKET_SECONDS),
  buckets: z.array(TimelineBucketSchema),
  highlights: z.array(HighlightSchema),
});
export type SessionTimeline = z.infer<typeof SessionTimelineSchema>;

/** A chat message of a broadcast with its offset (seconds since the broadcast started = VOD time of its recording). */
export const ChatReplayItemSchema = ChatMessageSchema.extend({ offsetSeconds: z.number().nonnegative() });
export type ChatReplayItem = z.infer<typeof ChatReplayItemSchema>;

/**
 * GET /v1/vods/:id/chat?from=<s>&to=<s>: the broadcast's chat for the VOD page, oldest first, at most 500 per page;
 * ask again with `from=nextFrom` while it is not null. Empty for uploaded VODs.
 */
export const VodChatReplaySchema = z.object({ items: z.array(ChatReplayItemSchema), nextFrom: z.number().nonnegative().nullable() });
export type VodChatReplay = z.infer<typeof VodChatReplaySchema>;
