import { ChatLanguages, type ChatLanguage, type ChatMessage, type ChatTranslation as Translation, type ChatTranslationInfo } from '@onda/contracts';
import { detectLanguage } from '../../translation/detect-language.js';
import type { LanguageCounts, TranslationStore } from '../../translation/translation.store.js';
import type { Translator } from '../../translation/translator.js';

/** Where a connection is counted: the room and the language it asked for. */
export interface WantedLanguage {
  channelId: string;
  lang: ChatLanguage;
}

/** A connection as chat translation sees it (ChatConnection has this field). */
export interface TranslatingConnection {
  translateTo?: WantedLanguage;
}

/**
 * Chat translation in the room: which languages the room's viewers asked for (counted on this node as they join,
 * switch and leave; other nodes' counts come with the viewer-count beat every 2 s through the store), and what to
 * translate: each delivered message into every language some connected viewer wants but the message is not in,
 * plus, when a viewer picks a language, the recent messages it has not seen translated. Without a provider
 * (`translator` null) every method is a no-op and `info()` says it is off.
 */
export class ChatTranslation {
  private readonly local = new Map<string, LanguageCounts>();
  private others = new Map<string, LanguageCounts>();

  constructor(
    private readonly translator: Translator | null,
    private readonly store: TranslationStore | null,
  ) {}

  get enabled(): boolean {
    return this.translator !== null;
  }

  info(): ChatTranslationInfo {
    return { enabled: this.enabled, languages: this.enabled ? [...ChatLanguages] : [] };
  }

  /** The language a message is in, as far as translation is concerned (null: nothing to translate). */
  languageOf(message: Pick<ChatMessage, 'text' | 'lang'>): ChatLanguage | null {
    return message.lang ?? detectLanguage(message.text);
  }

  /** Counts the connection under (channel, lang), or under nothing; replaces what it was counted under before. */
  setViewer(conn: TranslatingConnection, channelId: string, lang: ChatLanguage | null): void {
    this.leave(conn);
    if (!lang || !this.enabled) return;
    conn.translateTo = { channelId, lang };
    const counts = this.local.get(channelId) ?? {};
    counts[lang] = (counts[lang] ?? 0) + 1;
    this.local.set(channelId, counts);
  }

  /** The connection left (or switched): it no longer counts. */
  leave(conn: TranslatingConnection | undefined): void {
    const was = conn?.translateTo;
    if (!was) return;
    conn.translateTo = undefined;
    const counts = this.local.get(was.channelId);
    if (!counts) return;
    const left = (counts[was.lang] ?? 1) - 1;
    if (left > 0) counts[was.lang] = left;
    else delete counts[was.lang];
    if (!Object.keys(counts).length) this.local.delete(was.channelId);
  }

  /** Languages some connected viewer of the room wants, on any node. */
  wanted(channelId: string): ChatLanguage[] {
    const local = this.local.get(channelId) ?? {};
    const others = this.others.get(channelId) ?? {};
    return ChatLanguages.filter((lang) => (local[lang] ?? 0) + (others[lang] ?? 0) > 0);
  }

  /** A message reached the room: translate it into each wanted language it is not in. */
  offer(channelId: string, message: ChatMessage): void {
    if (!this.translator) return;
    const source = this.languageOf(message);
    if (!source) return;
    for (const lang of this.wanted(channelId)) if (lang !== source) this.translator.enqueue(channelId, lang, { id: message.id, source, text: message.text });
  }

  /**
   * Known translations of `messages` into `lang`, for a viewer who just joined or picked `lang`; the ones not known yet
   * are queued (the cache answers repeats, the budget bounds the rest) and reach the room as frame items.
   */
  async known(channelId: string, lang: ChatLanguage, messages: readonly ChatMessage[]): Promise<Translation[]> {
    if (!this.translator || !this.store) return [];
    const foreign = messages.filter((m) => {
      const source = this.languageOf(m);
      return source !== null && source !== lang;
    });
    if (!foreign.length) return [];
    let cached: Map<string, string>;
    try {
      cached = await this.store.cached(channelId, lang, foreign.map((m) => m.id));
    } catch {
      // Fail open: the join answers without translations.
      return [];
    }
    for (const m of foreign) if (!cached.has(m.id)) this.translator.enqueue(channelId, lang, { id: m.id, source: this.languageOf(m)!, text: m.text });
    return [...cached].map(([messageId, text]) => ({ messageId, lang, text }));
  }

  /**
   * The viewer-count beat: reports this node's language counts for its rooms (an empty report for rooms it left) and
   * reads the other nodes' for the rooms it has viewers in.
   */
  async report(nodeId: string, rooms: string[], gone: string[], now: number, staleMs: number): Promise<void> {
    if (!this.store) return;
    const reports: Array<[string, LanguageCounts]> = [...rooms.map((id): [string, LanguageCounts] => [id, { ...(this.local.get(id) ?? {}) }]), ...gone.map((id): [string, LanguageCounts] => [id, {}])];
    await this.store.reportLanguages(nodeId, reports, now);
    this.others = await this.store.otherLanguages(rooms, nodeId, now, staleMs);
  }

  /** Nest calls this on the instance the chat's providers made. */
  onModuleDestroy(): void {
    this.close();
  }

  close(): void {
    this.translator?.close();
  }
}
