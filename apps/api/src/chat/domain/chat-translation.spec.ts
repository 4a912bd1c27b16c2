import { describe, expect, it } from 'vitest';
import type { ChatLanguage, ChatMessage } from '@onda/contracts';
import { MemoryTranslationStore } from '../../translation/translation.store.js';
import type { SourceMessage, Translator } from '../../translation/translator.js';
import { ChatTranslation, type TranslatingConnection } from './chat-translation.js';

const CH = 'c0ffee00-0000-4000-8000-000000000001';

/** Records what would be translated. */
function fakeTranslator(): Translator & { queued: Array<[string, ChatLanguage, SourceMessage]> } {
  const queued: Array<[string, ChatLanguage, SourceMessage]> = [];
  return { queued, enqueue: (ch: string, lang: ChatLanguage, m: SourceMessage) => void queued.push([ch, lang, m]), close: () => undefined } as unknown as Translator & { queued: typeof queued };
}

const message = (id: string, text: string): ChatMessage => ({
  id,
  channelId: CH,
  kind: 'message',
  author: { key: 'a:x', nickname: 'x', role: 'viewer', registered: false },
  text,
  masked: false,
  createdAt: new Date().toISOString(),
});

describe(ChatTranslation.name, () => {
  it('is off without a provider: no languages, nothing counted, nothing translated', async () => {
    const sut = new ChatTranslation(null, null);
    const conn: TranslatingConnection = {};
    sut.setViewer(conn, CH, 'en');
    sut.offer(CH, message('m1', '안녕'));
    expect(sut.info()).toEqual({ enabled: false, languages: [] });
    expect(conn.translateTo).toBeUndefined();
    expect(sut.wanted(CH)).toEqual([]);
    expect(await sut.known(CH, 'en', [message('m1', '안녕')])).toEqual([]);
  });

  it('counts viewers per wanted language as they join, switch and leave, and translates only into wanted languages', () => {
    const translator = fakeTranslator();
    const sut = new ChatTranslation(translator, new MemoryTranslationStore());
    const [a, b] = [{} as TranslatingConnection, {} as TranslatingConnection];
    expect(sut.info()).toEqual({ enabled: true, languages: ['ko', 'en'] });

    sut.offer(CH, message('m0', 'nobody asked'));
    expect(translator.queued).toEqual([]);

    sut.setViewer(a, CH, 'en');
    sut.setViewer(b, CH, 'en');
    expect(sut.wanted(CH)).toEqual(['en']);
    sut.offer(CH, message('m1', '안녕하세요'));
    sut.offer(CH, message('m2', 'hello there')); // already English
    sut.offer(CH, message('m3', '👏👏')); // nothing to translate
    expect(translator.queued).toEqual([[CH, 'en', { id: 'm1', source: 'ko', text: '안녕하세요' }]]);

    sut.setViewer(b, CH, 'ko'); // switched
    expect(sut.wanted(CH)).toEqual(['ko', 'en']);
    sut.leave(a);
    sut.leave(a); // twice is once
    expect(sut.wanted(CH)).toEqual(['ko']);
    sut.setViewer(b, CH, null);
    expect(sut.wanted(CH)).toEqual([]);
  });

  it("adds other nodes' viewers (reported through the store on the viewer-count beat)", async () => {
    const store = new MemoryTranslationStore();
    const here = new ChatTranslation(fakeTranslator(), store);
    const there = new ChatTranslation(fakeTranslator(), store);
    const conn: TranslatingConnection = {};
    there.setViewer(conn, CH, 'ko');
    await there.report('node-b', [CH], [], Date.now(), 6000);
    expect(here.wanted(CH)).toEqual([]);
    await here.report('node-a', [CH], [], Date.now(), 6000);
    expect(here.wanted(CH)).toEqual(['ko']);
    // node-b's viewer left and it reported the room gone.
    there.leave(conn);
    await there.report('node-b', [], [CH], Date.now(), 6000);
    await here.report('node-a', [CH], [], Date.now(), 6000);
    expect(here.wanted(CH)).toEqual([]);
  });

  it('answers the known translations of recent messages and queues the rest', async () => {
    const translator = fakeTranslator();
    const store = new MemoryTranslationStore();
    await store.remember(CH, 'en', [['m1', 'Hello']]);
    const sut = new ChatTranslation(translator, store);
    const known = await sut.known(CH, 'en', [message('m1', '안녕'), message('m2', '반가워요'), message('m3', 'already English')]);
    expect(known).toEqual([{ messageId: 'm1', lang: 'en', text: 'Hello' }]);
    expect(translator.queued).toEqual([[CH, 'en', { id: 'm2', source: 'ko', text: '반가워요' }]]);
  });
});
