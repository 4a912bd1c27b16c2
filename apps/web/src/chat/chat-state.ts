import type { ChatItem, ChatJoined, ChatLanguage, ChatMessage, ChatMode, ChatTranslation, ChatTranslationInfo, ChatYou, CommerceMoment, Poll } from '@onda/contracts';

/** How many messages the panel keeps; older ones fall off the top (the server keeps the history). */
export const CHAT_KEEP_MESSAGES = 200;

/** Where the connection stands, as the panel shows it. */
export type ChatStatus =
  /** Opening the socket for the first time. */
  | 'connecting'
  | 'joining'
  /** In the room. An anonymous viewer without a nickname (`you.nickname` null) reads, votes and reacts; sending needs one. */
  | 'joined'
  /** The socket dropped; socket.io is retrying. Messages shown are kept. */
  | 'reconnecting'
  /** The server refused the join (unknown channel, registered-only...); `joinError` says why. */
  | 'failed';

/** Everything the chat UI renders; replaced (never mutated) on every change. */
export interface ChatState {
  status: ChatStatus;
  joinError: { code: string; detail: string } | null;
  channelId: string | null;
  you: ChatYou | null;
  messages: ChatMessage[];
  pinned: ChatMessage | null;
  poll: Poll | null;
  /** Option index this viewer voted for in `poll`. */
  yourVote: number | null;
  mode: ChatMode;
  viewers: number;
  /** The broadcast the server last announced as playable (`live` item), for the page to start its player. */
  liveSessionId: string | null;
  /** Whether the server translates chat (the language picker shows only then). */
  translation: ChatTranslationInfo;
  /** The language this viewer reads translations in (null: none). */
  translateTo: ChatLanguage | null;
  /** Machine translations into `translateTo` by message id, for messages on screen. */
  translations: Readonly<Record<string, string>>;
  /** Sponsor and commerce moments pushed since the page opened (shown, changed or hidden), newest last. */
  commerce: CommerceMoment[];
}

export const initialChatState: ChatState = {
  status: 'connecting',
  joinError: null,
  channelId: null,
  you: null,
  messages: [],
  pinned: null,
  poll: null,
  yourVote: null,
  mode: { slowModeSeconds: 0, registeredOnly: false },
  viewers: 0,
  liveSessionId: null,
  translation: { enabled: false, languages: [] },
  translateTo: null,
  translations: {},
  commerce: [],
};

/** Adds the translations into the viewer's language of messages on screen (others are ignored); same object when none apply. */
export function withTranslations(state: ChatState, translations: readonly ChatTranslation[], messages: readonly ChatMessage[] = state.messages): ChatState {
  const mine = translations.filter((t) => t.lang === state.translateTo && state.translations[t.messageId] !== t.text && messages.some((m) => m.id === t.messageId));
  if (!mine.length) return state;
  const next = { ...state.translations };
  for (const t of mine) next[t.messageId] = t.text;
  return { ...state, translations: next };
}

/** Translations of messages that are no longer on screen are forgotten. */
function keptTranslations(translations: Readonly<Record<string, string>>, messages: readonly ChatMessage[]): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const m of messages) if (translations[m.id] !== undefined) out[m.id] = translations[m.id]!;
  return out;
}

/**
 * The state right after a successful join: the server's snapshot wins. After a re-join with `since` (the newest
 * message on screen before the drop), `history` holds only the messages newer than it, so they are merged in instead.
 */
export function joinedState(state: ChatState, joined: ChatJoined, since?: string): ChatState {
  const messages = (since === undefined ? joined.history : resumedMessages(state.messages, joined.history, since)).slice(-CHAT_KEEP_MESSAGES);
  const next: ChatState = {
    ...state,
    status: 'joined',
    joinError: null,
    channelId: joined.channelId,
    you: joined.you,
    messages,
    pinned: joined.pinned,
    poll: joined.poll,
    yourVote: joined.yourVote,
    mode: joined.mode,
    viewers: joined.viewers,
    translation: joined.translation ?? { enabled: false, languages: [] },
    translations: keptTranslations(state.translations, messages),
  };
  return withTranslations(next, joined.translations ?? []);
}

/**
 * The messages on screen up to `since` stay as they are; everything newer (the missed `history`, and frames that reached
 * the re-joined socket before the join's answer) is one copy per id in id order (ids are time-ordered), the server's
 * copy winning since its reaction counts are current. A missed message a little older than `since` (sent through
 * another server, it arrived after a newer one) takes its place in id order among the last ones.
 */
function resumedMessages(onScreen: readonly ChatMessage[], history: readonly ChatMessage[], since: string): ChatMessage[] {
  const floor = history.reduce((min, m) => (m.id < min ? m.id : min), since);
  const newer = new Map<string, ChatMessage>();
  for (const message of onScreen) if (message.id > floor) newer.set(message.id, message);
  for (const message of history) newer.set(message.id, message);
  const kept = onScreen.filter((message) => !newer.has(message.id));
  return [...kept, ...[...newer.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))];
}

/** Applies one frame's items in order; returns the same object when nothing changed. */
export function applyItems(state: ChatState, items: readonly ChatItem[]): ChatState {
  let next = state;
  for (const item of items) next = applyItem(next, item);
  return next;
}

function applyItem(state: ChatState, item: ChatItem): ChatState {
  switch (item.type) {
    case 'message': {
      const { message } = item;
      const at = state.messages.findIndex((m) => m.id === message.id);
      // A replayed message (reconnect recovery) replaces its copy instead of showing twice.
      const messages = at >= 0 ? replaceAt(state.messages, at, message) : [...state.messages, message];
      if (messages.length <= CHAT_KEEP_MESSAGES) return { ...state, messages };
      const kept = messages.slice(-CHAT_KEEP_MESSAGES);
      return { ...state, messages: kept, translations: keptTranslations(state.translations, kept) };
    }
    case 'delete': {
      const gone = new Set(item.messageIds);
      return removeWhere(state, (m) => gone.has(m.id));
    }
    case 'purge':
      return removeWhere(state, (m) => m.author.key === item.authorKey);
    case 'pin':
      return { ...state, pinned: item.message };
    case 'poll': {
      const samePoll = state.poll?.id === item.poll.id;
      // A closed poll other than the one on screen (an old one closing) must not replace an open one.
      if (!samePoll && item.poll.status === 'closed' && state.poll?.status === 'open') return state;
      return { ...state, poll: item.poll, yourVote: samePoll ? state.yourVote : null };
    }
    case 'mode':
      return { ...state, mode: item.mode };
    case 'reactions': {
      const at = state.messages.findIndex((m) => m.id === item.messageId);
      if (at < 0) return state;
      const message = { ...state.messages[at]!, reactions: item.reactions };
      return { ...state, messages: replaceAt(state.messages, at, message) };
    }
    case 'live':
      return state.liveSessionId === item.sessionId ? state : { ...state, liveSessionId: item.sessionId };
    case 'translation':
      return withTranslations(state, [item]);
    case 'commerce': {
      // One entry per moment, the latest pushed state; a few dozen at most (a broadcast's cards).
      const others = state.commerce.filter((m) => m.id !== item.moment.id);
      return { ...state, commerce: [...others, item.moment].slice(-30) };
    }
    default:
      // An item type from a newer server (this page was loaded before an upgrade): skipped, the chat carries on.
      return state;
  }
}

function removeWhere(state: ChatState, gone: (message: ChatMessage) => boolean): ChatState {
  const messages = state.messages.filter((m) => !gone(m));
  const pinned = state.pinned && gone(state.pinned) ? null : state.pinned;
  if (messages.length === state.messages.length && pinned === state.pinned) return state;
  return { ...state, messages, pinned };
}

function replaceAt<T>(list: readonly T[], index: number, value: T): T[] {
  const copy = list.slice();
  copy[index] = value;
  return copy;
}
