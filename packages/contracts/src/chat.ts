import { z } from 'zod';
import { CommerceMomentSchema } from './commerce.js';
import { ErrorCodes } from './errors.js';

/**
 * Live chat. Transport: socket.io namespace `/chat`, one room per channel. Viewers send with `join`, `nickname`,
 * `send`, `vote`, `react` (each acknowledged with a ChatAck); the server pushes `frame` (a batch of items, one per tick
 * per room) and `viewers` (volatile, periodic). Moderation, polls, pins and announcements are REST objects under
 * `/v1/channels/:id/chat/...` so a producer's tools and the console drive them the same way; their effects
 * reach viewers as frame items.
 */
export const CHAT_NAMESPACE = '/chat';
export const CHAT_HISTORY_SIZE = 50;
export const CHAT_MESSAGE_MAX_LENGTH = 300;

/** Client -> server event names. */
export const ChatClientEvents = { join: 'join', nickname: 'nickname', send: 'send', vote: 'vote', react: 'react', language: 'language' } as const;
/** Server -> client event names. */
export const ChatServerEvents = { frame: 'frame', viewers: 'viewers' } as const;

// ---- Chat translation ----
/**
 * Languages chat can translate between. A message's language is detected by script (Hangul = `ko`, Latin = `en`); a
 * viewer asks for one of these with `join {lang}` or `language {lang}` and gets `translation` items for messages in
 * another language, under the original. Off unless the installation configured a provider (the join answer's
 * `translation.enabled` says which).
 */
export const ChatLanguages = ['ko', 'en'] as const;
export type ChatLanguage = (typeof ChatLanguages)[number];
export const ChatLanguageSchema = z.enum(ChatLanguages);
/** A machine translation of one message into one language (a frame item, and in join / language answers). */
export const ChatTranslationSchema = z.object({ messageId: z.string(), lang: ChatLanguageSchema, text: z.string() });
export type ChatTranslation = z.infer<typeof ChatTranslationSchema>;
/** client -> server `language`: translate messages into `lang` for this viewer from now on (null: stop). */
export const ChatSetLanguageSchema = z.object({ lang: ChatLanguageSchema.nullable() }).strict();
export type ChatSetLanguage = z.infer<typeof ChatSetLanguageSchema>;
/** Ack data of `language`: the language now set and the translations already known for the room's recent messages. */
export const ChatLanguageSetSchema = z.object({ lang: ChatLanguageSchema.nullable(), translations: z.array(ChatTranslationSchema) });
export type ChatLanguageSet = z.infer<typeof ChatLanguageSetSchema>;
/** Whether this installation translates chat, and into which languages. */
export const ChatTranslationInfoSchema = z.object({ enabled: z.boolean(), languages: z.array(ChatLanguageSchema) });
export type ChatTranslationInfo = z.infer<typeof ChatTranslationInfoSchema>;

/** Nicknames: 2-20 letters (any script, Hangul included), digits, `_`, `-`, `.`, inner spaces. */
export const NicknameSchema = z
  .string()
  .trim()
  .normalize('NFC')
  .min(2)
  .max(20)
  .regex(/^[\p{L}\p{N}_.-](?:[\p{L}\p{N}_. -]*[\p{L}\p{N}_.-])?$/u, 'letters, digits, _ - . and inner spaces');

export const ChatRoles = ['viewer', 'moderator', 'owner', 'admin'] as const;
export type ChatRole = (typeof ChatRoles)[number];

/** Who wrote a message. `key` is stable per person in a channel: `u:<userId>` for accounts, `a:<opaque>` for anonymous devices. */
export const ChatAuthorSchema = z.object({
  key: z.string(),
  nickname: z.string(),
  role: z.enum(ChatRoles),
  registered: z.boolean(),
});
export type ChatAuthor = z.infer<typeof ChatAuthorSchema>;

export const ChatMessageSchema = z.object({
  id: z.string(),
  channelId: z.string().uuid(),
  kind: z.enum(['message', 'announcement']),
  author: ChatAuthorSchema,
  /** Plain text, never HTML; masked words already replaced by `*`. */
  text: z.string(),
  masked: z.boolean(),
  /** ISO time the server accepted it. */
  createdAt: z.string(),
  reactions: z.record(z.string(), z.number().int()).optional(),
  /** The language the text was detected as (absent: none, e.g. only emoji or digits; such text is not translated). */
  lang: ChatLanguageSchema.optional(),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export const PollSchema = z.object({
  id: z.string().uuid(),
  channelId: z.string().uuid(),
  question: z.string(),
  options: z.array(z.object({ label: z.string(), votes: z.number().int().nonnegative() })),
  status: z.enum(['open', 'closed']),
  totalVotes: z.number().int().nonnegative(),
  createdAt: z.string(),
  closesAt: z.string().nullable(),
  closedAt: z.string().nullable(),
});
export type Poll = z.infer<typeof PollSchema>;

export const ChatModeSchema = z.object({
  /** Seconds a viewer waits between messages (0 = off); moderators are exempt. */
  slowModeSeconds: z.number().int().min(0).max(3600),
  /** Only signed-in users may send. */
  registeredOnly: z.boolean(),
});
export type ChatMode = z.infer<typeof ChatModeSchema>;

/** One change the room sees; a frame carries many, in order. */
export const ChatItemSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), message: ChatMessageSchema }),
  z.object({ type: z.literal('delete'), messageIds: z.array(z.string()) }),
  /** Remove every message of this author (after a ban or timeout). */
  z.object({ type: z.literal('purge'), authorKey: z.string() }),
  z.object({ type: z.literal('pin'), message: ChatMessageSchema.nullable() }),
  z.object({ type: z.literal('poll'), poll: PollSchema }),
  z.object({ type: z.literal('mode'), mode: ChatModeSchema }),
  z.object({ type: z.literal('reactions'), messageId: z.string(), reactions: z.record(z.string(), z.number().int()) }),
  /**
   * The channel's broadcast became playable: the page asks the API for the playback URL (signed for private
   * channels) at once instead of waiting for its next status poll.
   */
  z.object({ type: z.literal('live'), sessionId: z.string().uuid() }),
  /** A machine translation of a message; sent to the whole room, each viewer shows the ones in its language. */
  ChatTranslationSchema.extend({ type: z.literal('translation') }),
  /** A sponsor or commerce moment was shown, changed (claims left) or hidden: the page shows it over the player. */
  z.object({ type: z.literal('commerce'), moment: CommerceMomentSchema }),
]);
export type ChatItem = z.infer<typeof ChatItemSchema>;

/** server -> client `frame`: everything that happened in the room during one tick. */
export const ChatFrameSchema = z.object({ items: z.array(ChatItemSchema) });
export type ChatFrame = z.infer<typeof ChatFrameSchema>;

/** server -> client `viewers` (volatile). */
export const ChatViewersSchema = z.object({ count: z.number().int().nonnegative() });
export type ChatViewers = z.infer<typeof ChatViewersSchema>;

/** Acknowledgement of every client event: data on success, `{code, detail}` on failure. */
export const ChatErrorSchema = z.object({
  code: z.enum(ErrorCodes),
  detail: z.string(),
  /** With `rate_limited` (and slow mode, timeouts): when to try again. */
  retryAfterMs: z.number().int().nonnegative().optional(),
});
export type ChatError = z.infer<typeof ChatErrorSchema>;
export type ChatAck<T> = { ok: true; data: T } | { ok: false; error: ChatError };

/**
 * socket.io handshake `auth` of the `/chat` namespace. `deviceId`: a random id the browser keeps (anonymous viewers'
 * fingerprint, hashed server-side with the IP into their author key); `token`: an API token (`onda_...`) for tools.
 * The console session cookie is read from the handshake headers.
 */
export const ChatHandshakeAuthSchema = z.object({
  /** Kept for older clients; identifies nothing any more (a client could mint new ones at will). */
  deviceId: z.string().regex(/^[A-Za-z0-9_-]{8,128}$/).optional(),
  /** The device token the server issued (in `you.deviceToken`): what an anonymous viewer is known by. */
  deviceToken: z.string().max(200).optional(),
  token: z.string().min(1).max(200).optional(),
});
export type ChatHandshakeAuth = z.infer<typeof ChatHandshakeAuthSchema>;

/**
 * client -> server `join`. Signed-in users (cookie or token in the handshake) chat with their account name. An anonymous
 * viewer may join without a nickname and read the room (and vote and react); they pick one later with `nickname` (or
 * another `join`) before they can send.
 */
/** At most this many ids in a re-join's `recent`. */
export const CHAT_REJOIN_RECENT_MAX = 50;

export const ChatJoinSchema = z
  .object({
    channel: z.string().min(1).max(64),
    nickname: NicknameSchema.optional(),
    /** Reconnect replay: the id of the newest message the client has; `history` then holds only newer ones. */
    since: z.string().min(1).max(64).optional(),
    /**
     * With `since`: the ids of the newest messages the client holds (its last few, `since` among them). Messages sent
     * through different API nodes can arrive slightly out of id order, so `history` then also holds the ones older
     * than `since` but newer than the oldest of these that the client does not have: each message exactly once.
     */
    recent: z.array(z.string().min(1).max(64)).max(CHAT_REJOIN_RECENT_MAX).optional(),
    /** Translate messages in other languages into this one for this viewer (see `language` to change it). */
    lang: ChatLanguageSchema.optional(),
  })
  .strict();
export type ChatJoin = z.infer<typeof ChatJoinSchema>;

/**
 * The viewer as the room knows them. `nickname` is null for an anonymous viewer who has not picked one yet (they read,
 * vote and react; sending needs a nickname). `mutedUntil`: end of a timeout; `banned`: a permanent ban (the viewer may
 * read but not send).
 */
export const ChatYouSchema = ChatAuthorSchema.extend({
  nickname: z.string().nullable(),
  canModerate: z.boolean(),
  mutedUntil: z.string().nullable(),
  banned: z.boolean().optional(),
  /** A device token issued to this anonymous connection: keep it and send it as `auth.deviceToken` from now on. */
  deviceToken: z.string().optional(),
});
export type ChatYou = z.infer<typeof ChatYouSchema>;

export const ChatJoinedSchema = z.object({
  channelId: z.string().uuid(),
  you: ChatYouSchema,
  history: z.array(ChatMessageSchema).max(CHAT_HISTORY_SIZE),
  pinned: ChatMessageSchema.nullable(),
  poll: PollSchema.nullable(),
  /** Your vote in the open poll (option index), if any. */
  yourVote: z.number().int().nullable(),
  mode: ChatModeSchema,
  viewers: z.number().int().nonnegative(),
  /** Chat translation on this installation (absent from older servers: off). */
  translation: ChatTranslationInfoSchema.optional(),
  /** Known translations of `history` into the join's `lang` (the rest follow as frame items once translated). */
  translations: z.array(ChatTranslationSchema).optional(),
});
export type ChatJoined = z.infer<typeof ChatJoinedSchema>;

/**
 * client -> server `nickname`: an anonymous viewer in a room picks (or changes) their nickname without re-joining.
 * Ack data: the author their messages will carry. Refused for signed-in users (they chat with their account name).
 */
export const ChatNicknameSchema = z.object({ nickname: NicknameSchema }).strict();
export type ChatNickname = z.infer<typeof ChatNicknameSchema>;

/** client -> server `send`. */
export const ChatSendSchema = z.object({ text: z.string().min(1).max(CHAT_MESSAGE_MAX_LENGTH * 2) }).strict();
export type ChatSend = z.infer<typeof ChatSendSchema>;
/** What happened to a sent message (held ones wait for a moderator; dropped ones reach nobody). */
export const ChatSentSchema = z.object({ id: z.string(), outcome: z.enum(['delivered', 'masked', 'held', 'dropped']) });
export type ChatSent = z.infer<typeof ChatSentSchema>;

/** client -> server `vote`. */
export const ChatVoteSchema = z.object({ pollId: z.string().uuid(), option: z.number().int().min(0).max(9) }).strict();
export type ChatVote = z.infer<typeof ChatVoteSchema>;

/** client -> server `react`: one of a small fixed set of emotes on a message. */
export const ChatEmotes = ['like', 'laugh', 'wow', 'clap', 'heart'] as const;
export const ChatReactSchema = z.object({ messageId: z.string().min(1).max(64), emote: z.enum(ChatEmotes) }).strict();
export type ChatReact = z.infer<typeof ChatReactSchema>;
/** Ack data of `react`: the message's reaction counts after yours (the room sees them in the next frame). */
export const ChatReactedSchema = z.object({ messageId: z.string(), reactions: z.record(z.string(), z.number().int()) });
export type ChatReacted = z.infer<typeof ChatReactedSchema>;

// ---- REST: /v1/channels/:id/chat/... ----

export const LinkPolicies = ['allow', 'hold', 'block'] as const;
export const ClassifierFailModes = ['open', 'closed'] as const;

/** Per-channel chat settings (GET/PATCH /v1/channels/:id/chat/settings). */
export const ChatSettingsSchema = ChatModeSchema.extend({
  /** Words masked (or dropped with `blockedWordsAction: drop`), matched after the same normalisation as the built-in list. */
  blockedWords: z.array(z.string().trim().min(1).max(50)).max(500),
  /** Regular expressions (JavaScript syntax, case-insensitive) that drop a message. */
  blockedPatterns: z.array(z.string().min(1).max(200)).max(50),
  blockedWordsAction: z.enum(['mask', 'drop']),
  /** Built-in Korean + English profanity list: mask, hold for review, drop, or off. */
  profanity: z.enum(['mask', 'hold', 'drop', 'off']),
  linkPolicy: z.enum(LinkPolicies),
  /** Optional external risk classifier (HTTP POST {text} -> {action: 'deliver'|'mask'|'hold'|'drop'}). */
  classifier: z
    .object({ url: z.string().url(), timeoutMs: z.number().int().min(50).max(5000), failMode: z.enum(ClassifierFailModes) })
    .nullable(),
});
export type ChatSettings = z.infer<typeof ChatSettingsSchema>;
/** Settings of a channel that never changed them (the API's answer for such a channel; tests start from it). */
export const DEFAULT_CHAT_SETTINGS: ChatSettings = Object.freeze({
  slowModeSeconds: 0,
  registeredOnly: false,
  blockedWords: [],
  blockedPatterns: [],
  blockedWordsAction: 'mask',
  profanity: 'mask',
  linkPolicy: 'allow',
  classifier: null,
}) as ChatSettings;
export const UpdateChatSettingsSchema = ChatSettingsSchema.partial().strict();
export type UpdateChatSettings = z.infer<typeof UpdateChatSettingsSchema>;

/**
 * What a ban holds on: the author (account or anonymous device), or the address or /24 (IPv4) / /64 (IPv6) subnet the
 * author joined from; every identity there is refused, across reconnects and API nodes.
 */
export const ChatBanScopes = ['author', 'address', 'subnet'] as const;

/**
 * A ban (no `expiresAt`) or timeout. `authorKey` is the author's key, or for an address or subnet ban an opaque
 * label (`addr:…` / `subnet:…`, a salted hash): the address itself is never shown.
 */
export const ChatBanSchema = z.object({
  id: z.string().uuid(),
  channelId: z.string().uuid(),
  scope: z.enum(ChatBanScopes),
  authorKey: z.string(),
  nickname: z.string().nullable(),
  reason: z.string().nullable(),
  expiresAt: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
});
export type ChatBan = z.infer<typeof ChatBanSchema>;
export const CreateChatBanSchema = z
  .object({
    authorKey: z.string().min(3).max(100),
    /** `address` / `subnet`: ban where this author last joined from (known for a day after the join); default `author`. */
    scope: z.enum(ChatBanScopes).optional(),
    /** Timeout length; absent = permanent ban. */
    durationSeconds: z.number().int().min(1).max(60 * 60 * 24 * 30).optional(),
    reason: z.string().max(500).optional(),
  })
  .strict();
export type CreateChatBan = z.infer<typeof CreateChatBanSchema>;

export const CreatePollSchema = z
  .object({
    question: z.string().trim().min(1).max(200),
    options: z.array(z.string().trim().min(1).max(80)).min(2).max(10),
    durationSeconds: z.number().int().min(10).max(86_400).optional(),
  })
  .strict();
export type CreatePoll = z.infer<typeof CreatePollSchema>;

export const CreateAnnouncementSchema = z.object({ text: z.string().trim().min(1).max(CHAT_MESSAGE_MAX_LENGTH) }).strict();
export type CreateAnnouncement = z.infer<typeof CreateAnnouncementSchema>;

export const PinMessageSchema = z.object({ messageId: z.string().min(1).max(64).nullable() }).strict();
export type PinMessage = z.infer<typeof PinMessageSchema>;

/** A message a filter held for review (approve delivers it, reject drops it). */
export const HeldMessageSchema = ChatMessageSchema.extend({ reasons: z.array(z.string()) });
export type HeldMessage = z.infer<typeof HeldMessageSchema>;

export const ChatAuditEntrySchema = z.object({
  id: z.string().uuid(),
  channelId: z.string().uuid(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type ChatAuditEntry = z.infer<typeof ChatAuditEntrySchema>;

/** Chat statistics of one live session (or a channel's current room). */
export const ChatStatsSchema = z.object({
  channelId: z.string().uuid(),
  liveSessionId: z.string().uuid().nullable(),
  messages: z.number().int().nonnegative(),
  uniqueChatters: z.number().int().nonnegative(),
  peakConnections: z.number().int().nonnegative(),
  /** Messages per minute bucket (ISO minute start -> count). */
  perMinute: z.array(z.object({ minute: z.string(), messages: z.number().int().nonnegative() })),
  outcomes: z.object({ delivered: z.number().int(), masked: z.number().int(), held: z.number().int(), dropped: z.number().int() }),
  filterHits: z.record(z.string(), z.number().int()),
  moderationActions: z.record(z.string(), z.number().int()),
});
export type ChatStats = z.infer<typeof ChatStatsSchema>;
