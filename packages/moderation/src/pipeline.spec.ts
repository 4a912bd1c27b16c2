import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CHAT_SETTINGS } from '@onda/contracts';
import { startClassifierServer, type ClassifierServer } from '../test/classifier-server.js';
import { createModerationPipeline, type ModerationContext } from './pipeline.js';
import { InMemoryRecentMessages } from './recent.js';
import type { ModerationSettings } from './settings.js';

// A whole ChatSettings will do: the pipeline reads only its moderation fields.
const base: ModerationSettings = DEFAULT_CHAT_SETTINGS;
const viewer: ModerationContext = { authorKey: 'a:viewer', role: 'viewer' };
const moderator: ModerationContext = { authorKey: 'u:mod', role: 'moderator' };

describe(createModerationPipeline.name, () => {
  it('delivers ordinary text untouched', async () => {
    const sut = createModerationPipeline(base);
    expect(await sut.check('안녕하세요! great stream', viewer)).toEqual({ outcome: 'deliver', text: '안녕하세요! great stream', hits: [] });
  });

  describe('profanity', () => {
    it('masks the words in the original text by default', async () => {
      const sut = createModerationPipeline(base);
      expect(await sut.check('아 ㅆ ㅂ 진짜 f.u.c.k', viewer)).toEqual({ outcome: 'mask', text: '아 * * 진짜 *******', hits: ['profanity:ko', 'profanity:en'] });
    });

    it('holds, drops or ignores them as the channel chose, masking what would be delivered', async () => {
      expect(await createModerationPipeline({ ...base, profanity: 'hold' }).check('씨발', viewer)).toEqual({ outcome: 'hold', text: '**', hits: ['profanity:ko'] });
      expect((await createModerationPipeline({ ...base, profanity: 'drop' }).check('shit', viewer)).outcome).toBe('drop');
      expect(await createModerationPipeline({ ...base, profanity: 'off' }).check('shit', viewer)).toEqual({ outcome: 'deliver', text: 'shit', hits: [] });
    });

    it('applies to moderators too', async () => {
      expect((await createModerationPipeline(base).check('병신', moderator)).outcome).toBe('mask');
    });
  });

  describe('blocked words and patterns', () => {
    it('masks or drops blocked words after the same normalisation, for every role', async () => {
      const settings = { ...base, blockedWords: ['spoiler', '스포', 'ban*'] };
      const sut = createModerationPipeline(settings);
      expect(await sut.check('no S P O I L E R s please', viewer)).toEqual({ outcome: 'mask', text: 'no * * * * * * * s please', hits: ['blocked-word'] });
      expect(await sut.check('스포하지마', moderator)).toEqual({ outcome: 'mask', text: '**하지마', hits: ['blocked-word'] });
      expect((await sut.check('banned', viewer)).text).toBe('******');
      expect((await sut.check('banana? no: urban', viewer)).outcome).toBe('mask');
      expect((await sut.check('spoilers', viewer)).outcome).toBe('deliver');
      const drop = createModerationPipeline({ ...settings, blockedWordsAction: 'drop' });
      expect((await drop.check('$poiler', moderator)).outcome).toBe('drop');
    });

    it('drops messages matching a pattern, also in fullwidth disguise, and lists unusable settings instead of failing', async () => {
      const sut = createModerationPipeline({ ...base, blockedPatterns: ['buy\\s+followers', '(a+)+$', '['], blockedWords: ['!!!'] });
      expect(sut.issues.map((i) => i.path)).toEqual([['blockedWords', 0], ['blockedPatterns', 1], ['blockedPatterns', 2]]);
      expect(await sut.check('BUY followers cheap', viewer)).toEqual({ outcome: 'drop', text: 'BUY followers cheap', hits: ['blocked-pattern'] });
      expect((await sut.check('ｂｕｙ ｆｏｌｌｏｗｅｒｓ', viewer)).hits).toEqual(['blocked-pattern']);
      expect((await sut.check('aaaa', viewer)).outcome).toBe('deliver');
    });

    it('holds a message on which a pattern runs out of its time on the worker', async () => {
      const sut = createModerationPipeline({ ...base, blockedPatterns: ['a*a*a*a*a*b'] }, { patternTimeoutMs: 20 });
      // (A moderator, so the repeated-characters rule does not drop it first.)
      expect(await sut.check('a'.repeat(900) + 'c', moderator)).toEqual({ outcome: 'hold', text: 'a'.repeat(900) + 'c', hits: ['blocked-pattern:timeout'] });
    });
  });

  describe('links', () => {
    it('holds or drops links from viewers and lets moderators, owners and admins post them', async () => {
      const hold = createModerationPipeline({ ...base, linkPolicy: 'hold' });
      expect(await hold.check('join example dot com', viewer)).toEqual({ outcome: 'hold', text: 'join example dot com', hits: ['link'] });
      expect((await hold.check('my vod: https://onda.example.org/v/1', moderator)).outcome).toBe('deliver');
      expect((await hold.check('example.com', { authorKey: 'u:o', role: 'owner' })).outcome).toBe('deliver');
      expect((await hold.check('example.com', { authorKey: 'u:ad', role: 'admin' })).outcome).toBe('deliver');
      expect((await createModerationPipeline({ ...base, linkPolicy: 'block' }).check('bit.ly/x', viewer)).outcome).toBe('drop');
      expect((await createModerationPipeline(base).check('bit.ly/x', viewer)).outcome).toBe('deliver');
    });
  });

  it('lets the strictest outcome win while still masking and reporting every rule', async () => {
    const sut = createModerationPipeline({ ...base, linkPolicy: 'hold' });
    expect(await sut.check('fuck this, see example.com', viewer)).toEqual({ outcome: 'hold', text: '**** this, see example.com', hits: ['profanity:en', 'link'] });
  });

  describe('duplicates and flood', () => {
    it('drops the same normalised text from the same author within the window', async () => {
      let now = 0;
      const recent = new InMemoryRecentMessages();
      const sut = createModerationPipeline(base, { now: () => now, duplicateWindowMs: 30_000 });
      const ctx = { ...viewer, recent };
      expect((await sut.check('hello', ctx)).outcome).toBe('deliver');
      now = 1000;
      expect(await sut.check('HELLO!!', ctx)).toEqual({ outcome: 'drop', text: 'HELLO!!', hits: ['duplicate'] });
      expect((await sut.check('hello', { authorKey: 'a:other', role: 'viewer', recent })).outcome).toBe('deliver');
      expect((await sut.check('hello', { ...moderator, recent })).outcome).toBe('deliver');
      expect((await sut.check('hello', { ...moderator, recent })).outcome).toBe('deliver');
      now = 40_000;
      expect((await sut.check('hello', ctx)).outcome).toBe('deliver');
    });

    it('drops messages beyond the flood limit per author, and keeps channels apart in a shared memory', async () => {
      let now = 0;
      const recent = new InMemoryRecentMessages();
      const options = { now: () => now, flood: { maxMessages: 3, windowMs: 10_000 } };
      const sut = createModerationPipeline(base, { ...options, channelId: 'one' });
      const other = createModerationPipeline(base, { ...options, channelId: 'two' });
      const ctx = { ...viewer, recent };
      const outcomes: string[] = [];
      for (const text of ['a1', 'a2', 'a3', 'a4']) {
        now += 100;
        outcomes.push((await sut.check(text, ctx)).outcome);
      }
      expect(outcomes).toEqual(['deliver', 'deliver', 'deliver', 'drop']);
      expect((await sut.check('a5', ctx)).hits).toEqual(['flood']);
      expect((await other.check('a1', ctx)).outcome).toBe('deliver');
      now += 10_001;
      expect((await sut.check('a6', ctx)).outcome).toBe('deliver');
    });

    it('drops long runs of the same characters from viewers only', async () => {
      const sut = createModerationPipeline(base);
      expect(await sut.check('ㅋ'.repeat(50), viewer)).toEqual({ outcome: 'drop', text: 'ㅋ'.repeat(50), hits: ['flood:repeat'] });
      expect((await sut.check('ㅋㅋㅋㅋㅋㅋㅋ', viewer)).outcome).toBe('deliver');
      expect((await sut.check('🎉'.repeat(40), moderator)).outcome).toBe('deliver');
    });
  });

  describe('classifier', () => {
    let server: ClassifierServer;
    beforeAll(async () => {
      server = await startClassifierServer();
    });
    afterAll(() => server.close());

    const withClassifier = (path: string, failMode: 'open' | 'closed', timeoutMs = 2000) =>
      createModerationPipeline({ ...base, classifier: { url: server.url(path), timeoutMs, failMode } }, { channelId: 'chan-1', allowPrivate: true });

    it('never reaches a classifier on a loopback address unless private addresses are allowed (finding 2)', async () => {
      const before = server.requests.length;
      const sut = createModerationPipeline({ ...base, classifier: { url: server.url('/verdict/drop'), timeoutMs: 2000, failMode: 'open' } }, { channelId: 'chan-1' });
      expect(await sut.check('private words', viewer)).toEqual({ outcome: 'deliver', text: 'private words', hits: ['classifier:error', 'classifier:unavailable'] });
      expect(server.requests.length).toBe(before);
    });

    it('applies the verdict and its labels, sending the original text', async () => {
      const sut = withClassifier('/words', 'open');
      expect(await sut.check('great scam here 씨발', viewer)).toEqual({ outcome: 'drop', text: 'great scam here **', hits: ['profanity:ko', 'classifier', 'classifier:scam'] });
      expect(server.requests.at(-1)?.body).toEqual({ text: 'great scam here 씨발', authorKey: 'a:viewer', channelId: 'chan-1' });
      expect((await sut.check('maybe', viewer)).outcome).toBe('hold');
      expect(await sut.check('fine', viewer)).toEqual({ outcome: 'deliver', text: 'fine', hits: [] });
    });

    it('masks the whole message when the classifier says mask', async () => {
      expect(await withClassifier('/verdict/mask', 'open').check('hi there', viewer)).toEqual({ outcome: 'mask', text: '** *****', hits: ['classifier'] });
    });

    it('is not asked about a message that is dropped anyway', async () => {
      const sut = createModerationPipeline({ ...base, profanity: 'drop', classifier: { url: server.url('/verdict/deliver'), timeoutMs: 2000, failMode: 'open' } }, { allowPrivate: true });
      const before = server.requests.length;
      expect((await sut.check('fuck', viewer)).outcome).toBe('drop');
      expect(server.requests.length).toBe(before);
    });

    it('fails open: delivers and says the classifier was unavailable', async () => {
      expect(await withClassifier('/slow', 'open', 100).check('hello', viewer)).toEqual({
        outcome: 'deliver',
        text: 'hello',
        hits: ['classifier:timeout', 'classifier:unavailable'],
      });
      expect((await withClassifier('/error', 'open').check('hello', viewer)).hits).toEqual(['classifier:error', 'classifier:unavailable']);
    });

    it('fails closed: holds viewers\' messages, but never the channel staff\'s', async () => {
      expect(await withClassifier('/slow', 'closed', 100).check('hello', viewer)).toEqual({
        outcome: 'hold',
        text: 'hello',
        hits: ['classifier:timeout', 'classifier:unavailable'],
      });
      expect((await withClassifier('/error', 'closed').check('hello', viewer)).outcome).toBe('hold');
      expect((await withClassifier('/error', 'closed').check('hello', moderator)).outcome).toBe('deliver');
    });
  });
});
