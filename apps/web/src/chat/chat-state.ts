import type { ChatItem, ChatJoined, ChatMessage, ChatMode, Poll } from '@onda/contracts';

/** How many messages the panel keeps; older ones fall off the top (the server keeps the history). */
export const CHAT_KEEP_MESSAGES = 200;

/** Where the connection stands, as the panel shows it. */
export type ChatStatus =
  /** Opening the socket for the first time. */
  | 'connecting'
  /** Connected, but an anonymous viewer has to pick a nickname before joining. */
  | 'needs-nickname'
  | 'joining'
  | 'joined'
  /** The socket dropped; socket.io is retrying. Messages shown are kept. */
  | 'reconnecting'
  /** The server refused the join (unknown channel, registered-only...); `joinError` says why. */
  | 'failed';

export type ChatYou = ChatJoined['you'];

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
};

/**
 * The state right after a successful join: the server's snapshot wins. After a re-join with `since`
 * (`resumed`), `history` holds only the messages missed while away, so they are appended instead.
 */
export function joinedState(state: ChatState, joined: ChatJoined, resumed = false): ChatState {
  const messages = resumed ? applyItems(state, joined.history.map((message) => ({ type: 'message' as const, message }))).messages : joined.history;
  return {
    ...state,
    status: 'joined',
    joinError: null,
    channelId: joined.channelId,
    you: joined.you,
    messages: messages.slice(-CHAT_KEEP_MESSAGES),
    pinned: joined.pinned,
    poll: joined.poll,
    yourVote: joined.yourVote,
    mode: joined.mode,
    viewers: joined.viewers,
  };
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
      return { ...state, messages: messages.length > CHAT_KEEP_MESSAGES ? messages.slice(-CHAT_KEEP_MESSAGES) : messages };
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
