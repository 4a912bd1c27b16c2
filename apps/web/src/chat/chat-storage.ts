import { ChatLanguageSchema, NicknameSchema, type ChatLanguage } from '@onda/contracts';

/** localStorage keys: the anonymous device id (the server's ban fingerprint) and the last nickname. */
export const DeviceIdKey = 'onda.chat.device';
export const NicknameKey = 'onda.chat.nickname';
/** The server-issued anonymous identity (a signed token): what bans and limits stick to. */
export const DeviceTokenKey = 'onda.chat.deviceToken';
/** The language this browser reads chat translations in (absent: none). */
export const TranslateToKey = 'onda.chat.translateTo';

/** The subset of Storage the chat uses; tests pass a Map-backed one. */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

/** window.localStorage, or a throwaway store where storage is blocked (private mode, sandboxed frames). */
export function browserStore(): KeyValueStore {
  try {
    const storage = window.localStorage;
    storage.getItem(DeviceIdKey);
    return storage;
  } catch {
    return memoryStore();
  }
}

export function memoryStore(): KeyValueStore {
  const values = new Map<string, string>();
  return { getItem: (key) => values.get(key) ?? null, setItem: (key, value) => void values.set(key, value) };
}

function safeGet(store: KeyValueStore, key: string): string | null {
  try {
    return store.getItem(key);
  } catch {
    return null;
  }
}

function safeSet(store: KeyValueStore, key: string, value: string): void {
  try {
    store.setItem(key, value);
  } catch {
    // Full or blocked storage: the value lasts for this page only.
  }
}

/** The device token the server issued to this browser, if any. */
export function storedDeviceToken(store: KeyValueStore): string | null {
  return safeGet(store, DeviceTokenKey);
}

export function storeDeviceToken(store: KeyValueStore, token: string): void {
  safeSet(store, DeviceTokenKey, token);
}

/** A random id per browser, kept so a reload is the same chatter (and a ban sticks to the device). */
export function deviceId(store: KeyValueStore): string {
  const existing = safeGet(store, DeviceIdKey);
  if (existing && /^[a-f0-9]{32}$/.test(existing)) return existing;
  // getRandomValues works on plain http too (randomUUID needs a secure context).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const id = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  safeSet(store, DeviceIdKey, id);
  return id;
}

/** Why a nickname is refused, as a translation key suffix under `chat.nickname.`. */
export type NicknameProblem = 'tooShort' | 'tooLong' | 'characters';

/** Checks a nickname with the contract's rules; returns the normalised form or the problem. */
export function checkNickname(raw: string): { ok: true; nickname: string } | { ok: false; problem: NicknameProblem } {
  const parsed = NicknameSchema.safeParse(raw);
  if (parsed.success) return { ok: true, nickname: parsed.data };
  const issue = parsed.error.issues[0];
  if (issue?.code === 'too_small') return { ok: false, problem: 'tooShort' };
  if (issue?.code === 'too_big') return { ok: false, problem: 'tooLong' };
  return { ok: false, problem: 'characters' };
}

export function storedNickname(store: KeyValueStore): string | null {
  const value = safeGet(store, NicknameKey);
  return value && checkNickname(value).ok ? value : null;
}

export function storeNickname(store: KeyValueStore, nickname: string): void {
  safeSet(store, NicknameKey, nickname);
}

/** The translation language picked in this browser, if any. */
export function storedTranslateTo(store: KeyValueStore): ChatLanguage | null {
  const parsed = ChatLanguageSchema.safeParse(safeGet(store, TranslateToKey));
  return parsed.success ? parsed.data : null;
}

export function storeTranslateTo(store: KeyValueStore, lang: ChatLanguage | null): void {
  safeSet(store, TranslateToKey, lang ?? 'off');
}
